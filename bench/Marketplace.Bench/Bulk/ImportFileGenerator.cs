using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Marketplace.Core.Bulk;

namespace Marketplace.Bench.Bulk;

/// <summary>
/// Offering import files in the template's layout: valid rows, and chosen rows made invalid in one of five ways
/// (unknown direction, maximum price under the minimum, a formula, no title, days that aren't a number). Shared by the
/// tests and the import benchmark.
/// </summary>
public static class ImportFileGenerator
{
    /// <summary>How each bad row is broken, by its index modulo 5, and the column its error names.</summary>
    public static readonly string[] BadColumns = ["重点方向", "最高报价(元)", "最低报价(元)", "标题", "实施周期(天)"];

    public static IReadOnlyList<string> Headers => OfferingImportTemplate.Columns.Select(c => c.Header).ToArray();

    /// <summary>Row <paramref name="index"/> (0-based; the spreadsheet row is index + 2) as cell texts; a formula cell starts with '='.</summary>
    public static string?[] Row(int index, bool bad)
    {
        var kind = index % 5;
        var min = 100_000 + index;
        string?[] row =
        [
            index % 2 == 0 ? "解决方案" : "solution",
            $"焊接机器人工作站 第{index}号",
            "六轴弧焊机器人，适合车架中小批量焊接",
            "以六轴弧焊机器人为核心，配变位机和焊缝跟踪，替代人工焊接，焊缝均匀，减少返工，适合摩托车车架与钢结构件。",
            "机械制造",
            "焊接工艺设备",
            "焊接机器人、弧焊",
            "硬件设备",
            min.ToString(CultureInfo.InvariantCulture),
            (min + 200_000).ToString(CultureInfo.InvariantCulture),
            "45",
            "全市",
            "某摩托车配件厂",
            "璧山区",
            "2024",
            "返工率下降一半",
        ];
        if (bad)
        {
            switch (kind)
            {
                case 0:
                    row[4] = "采矿业";
                    row[5] = null;
                    break;
                case 1:
                    row[9] = "50000";
                    break;
                case 2:
                    row[8] = "=100000+1";
                    break;
                case 3:
                    row[1] = "";
                    break;
                default:
                    row[10] = "四十五天";
                    break;
            }
        }
        return row;
    }

    public static IEnumerable<string?[]> Rows(int count, IReadOnlySet<int> bad) => Enumerable.Range(0, count).Select(i => Row(i, bad.Contains(i)));

    /// <summary>CSV as a spreadsheet saves it: UTF-8 with BOM, RFC 4180 quoting, formulas as their text.</summary>
    public static void WriteCsv(Stream destination, IEnumerable<string?[]> rows, IReadOnlyList<string>? headers = null)
    {
        using var writer = new StreamWriter(destination, new UTF8Encoding(true), 64 * 1024, leaveOpen: true);
        writer.Write(Line(headers ?? Headers));
        foreach (var row in rows)
        {
            writer.Write(Line(row));
        }
    }

    private static string Line(IEnumerable<string?> cells) =>
        string.Join(",", cells.Select(c => c is null ? "" : c.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{c.Replace("\"", "\"\"")}\"" : c)) + "\r\n";

    /// <summary>XLSX with shared strings for text (as Excel writes it), numbers as numbers and a real formula where a cell starts with '='.</summary>
    public static void WriteXlsx(Stream destination, IEnumerable<string?[]> rows, IReadOnlyList<string>? headers = null)
    {
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        using var document = SpreadsheetDocument.Create(destination, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var sheet = workbook.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(sheet))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            var number = 1;
            foreach (var row in new[] { (headers ?? Headers).ToArray<string?>() }.Concat(rows))
            {
                writer.WriteStartElement(new Row { RowIndex = (uint)number });
                for (var i = 0; i < row.Length; i++)
                {
                    var value = row[i];
                    var reference = TableWriter.ColumnName(i) + number.ToString(CultureInfo.InvariantCulture);
                    if (string.IsNullOrEmpty(value))
                    {
                        continue;
                    }
                    if (value.StartsWith('='))
                    {
                        writer.WriteElement(new Cell { CellReference = reference, CellFormula = new CellFormula(value[1..]), CellValue = new CellValue("100001") });
                    }
                    else if (number > 1 && long.TryParse(value, out _))
                    {
                        writer.WriteElement(new Cell { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(value) });
                    }
                    else
                    {
                        if (!shared.TryGetValue(value, out var index))
                        {
                            shared[value] = index = shared.Count;
                        }
                        writer.WriteElement(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString(CultureInfo.InvariantCulture)) });
                    }
                }
                writer.WriteEndElement();
                number++;
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        var strings = workbook.AddNewPart<SharedStringTablePart>();
        strings.SharedStringTable = new SharedStringTable(shared.OrderBy(s => s.Value).Select(s => new SharedStringItem(new Text(s.Key) { Space = SpaceProcessingModeValues.Preserve })));
        strings.SharedStringTable.Save();
        workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "方案" }));
        workbook.Workbook.Save();
    }
}
