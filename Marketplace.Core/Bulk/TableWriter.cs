using System.Globalization;
using System.Text;
using System.Xml;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Marketplace.Core.Common;

namespace Marketplace.Core.Bulk;

public enum TableFormat
{
    Csv,
    Xlsx,
}

public static class TableFormats
{
    public const string CsvContentType = "text/csv";
    public const string XlsxContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static string Code(this TableFormat format) => format == TableFormat.Xlsx ? "xlsx" : "csv";

    public static string ContentType(this TableFormat format) => format == TableFormat.Xlsx ? XlsxContentType : CsvContentType + "; charset=utf-8";

    /// <summary>Parses <c>csv</c> or <c>xlsx</c> (default <paramref name="fallback"/>); adds a message for <paramref name="field"/> otherwise.</summary>
    public static TableFormat Parse(string? code, Validator v, string field = "format", TableFormat fallback = TableFormat.Csv)
    {
        switch (code?.Trim().ToLowerInvariant())
        {
            case null or "":
                return fallback;
            case "csv":
                return TableFormat.Csv;
            case "xlsx":
                return TableFormat.Xlsx;
            default:
                v.Add(field, $"未知的文件格式 '{code}' (csv or xlsx).");
                return fallback;
        }
    }
}

/// <summary>A column of an exported table: its fixed header and how a row gives its value.</summary>
public sealed record TableColumn<T>(string Header, Func<T, object?> Value);

/// <summary>A sheet of a workbook: a name, headers and rows of cell values (string, integer, floating point, dates, bool or null).</summary>
public sealed record TableSheet(string Name, IReadOnlyList<string> Headers, IAsyncEnumerable<object?[]> Rows);

/// <summary>
/// Writes tables as CSV (CsvHelper: RFC 4180, UTF-8 with a byte order mark so Excel reads Chinese, fields with a comma,
/// quote or line break quoted, and text starting with = + - @ tab or CR prefixed with ' so no spreadsheet runs it as a
/// formula) or XLSX (Open XML SDK's streaming writer: inline strings, numbers as numbers, nothing held in memory).
/// Values: text, integers and floating point as numbers, dates and times as text in China Standard Time.
/// </summary>
public static class TableWriter
{
    /// <summary>Writes <paramref name="sheets"/> (CSV: the first sheet only) to <paramref name="destination"/>; returns the number of data rows of the first sheet.</summary>
    public static async Task<long> WriteAsync(Stream destination, TableFormat format, IReadOnlyList<TableSheet> sheets, Func<long, Task>? progress, CancellationToken ct) =>
        format == TableFormat.Xlsx
            ? await WriteXlsxAsync(destination, sheets, progress, ct)
            : await WriteCsvAsync(destination, sheets[0], progress, ct);

    public static TableSheet Sheet<T>(string name, IReadOnlyList<TableColumn<T>> columns, IAsyncEnumerable<T> rows) =>
        new(name, columns.Select(c => c.Header).ToArray(), Project(columns, rows));

    private static async IAsyncEnumerable<object?[]> Project<T>(IReadOnlyList<TableColumn<T>> columns, IAsyncEnumerable<T> rows)
    {
        await foreach (var row in rows)
        {
            var cells = new object?[columns.Count];
            for (var i = 0; i < columns.Count; i++)
            {
                cells[i] = columns[i].Value(row);
            }
            yield return cells;
        }
    }

    public static CsvWriterOptions CsvOptions => new()
    {
        WriteByteOrderMark = true,
        Injection = CsvInjection.Escape,
        FormatProvider = CultureInfo.InvariantCulture,
    };

    private static async Task<long> WriteCsvAsync(Stream destination, TableSheet sheet, Func<long, Task>? progress, CancellationToken ct)
    {
        long rows = 0;
        await using var csv = CsvWriter.Create(destination, CsvOptions, leaveOpen: true);
        csv.WriteRecord(sheet.Headers.ToArray());
        await foreach (var cells in sheet.Rows.WithCancellation(ct))
        {
            foreach (var cell in cells)
            {
                switch (cell)
                {
                    case null:
                        csv.WriteField((string?)null);
                        break;
                    case long l:
                        csv.WriteField(l, "");
                        break;
                    case int i:
                        csv.WriteField(i, "");
                        break;
                    case double d:
                        csv.WriteField(d, "");
                        break;
                    default:
                        csv.WriteField(Text(cell));
                        break;
                }
            }
            await csv.EndRecordAsync(ct);
            if (++rows % 1000 == 0 && progress is not null)
            {
                await progress(rows);
            }
        }
        await csv.FlushAsync(ct);
        return rows;
    }

    private static async Task<long> WriteXlsxAsync(Stream destination, IReadOnlyList<TableSheet> sheets, Func<long, Task>? progress, CancellationToken ct)
    {
        long firstSheetRows = 0;
        using var document = SpreadsheetDocument.Create(destination, SpreadsheetDocumentType.Workbook);
        var workbookPart = document.AddWorkbookPart();
        var entries = new List<Sheet>();
        for (var s = 0; s < sheets.Count; s++)
        {
            var sheet = sheets[s];
            var part = workbookPart.AddNewPart<WorksheetPart>();
            long rows = 0;
            using (var writer = OpenXmlWriter.Create(part))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                WriteRow(writer, 1, sheet.Headers.Cast<object?>().ToArray());
                await foreach (var cells in sheet.Rows.WithCancellation(ct))
                {
                    rows++;
                    WriteRow(writer, rows + 1, cells);
                    if (s == 0 && rows % 1000 == 0 && progress is not null)
                    {
                        await progress(rows);
                    }
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            if (s == 0)
            {
                firstSheetRows = rows;
            }
            entries.Add(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = (uint)(s + 1), Name = sheet.Name });
        }
        workbookPart.Workbook = new Workbook(new Sheets(entries));
        workbookPart.Workbook.Save();
        return firstSheetRows;
    }

    private static void WriteRow(OpenXmlWriter writer, long rowIndex, object?[] cells)
    {
        writer.WriteStartElement(new Row(), [new OpenXmlAttribute("r", "", rowIndex.ToString(CultureInfo.InvariantCulture))]);
        for (var i = 0; i < cells.Length; i++)
        {
            var reference = ColumnName(i) + rowIndex.ToString(CultureInfo.InvariantCulture);
            switch (cells[i])
            {
                case null:
                    break;
                case long or int or double:
                    writer.WriteElement(new Cell
                    {
                        CellReference = reference,
                        DataType = CellValues.Number,
                        CellValue = new CellValue(Convert.ToString(cells[i], CultureInfo.InvariantCulture)!),
                    });
                    break;
                default:
                    writer.WriteElement(new Cell
                    {
                        CellReference = reference,
                        DataType = CellValues.InlineString,
                        InlineString = new InlineString(new Text(XmlSafe(Text(cells[i]))) { Space = SpaceProcessingModeValues.Preserve }),
                    });
                    break;
            }
        }
        writer.WriteEndElement();
    }

    /// <summary>A, B, … Z, AA, AB …</summary>
    public static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + (n - 1) % 26) + name;
        }
        return name;
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        DateTimeOffset d => d.ToOffset(ChinaTime.Offset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "是" : "否",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>XML 1.0 can't carry most control characters; they are dropped from XLSX cells.</summary>
    /// <summary>
    /// The text without what XML 1.0 cannot hold (control characters other than tab and line breaks, U+FFFE, U+FFFF,
    /// unpaired surrogates): text stored before such characters were refused must not fail a whole export.
    /// </summary>
    private static string XmlSafe(string text)
    {
        if (IsXmlText(text))
        {
            return text;
        }
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                builder.Append(text, i++, 2);
            }
            else if (XmlConvert.IsXmlChar(text[i]))
            {
                builder.Append(text[i]);
            }
        }
        return builder.ToString();
    }

    private static bool IsXmlText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                i++;
            }
            else if (!XmlConvert.IsXmlChar(text[i]))
            {
                return false;
            }
        }
        return true;
    }
}
