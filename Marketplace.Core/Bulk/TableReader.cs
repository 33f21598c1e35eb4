using System.IO.Compression;
using CsvHelper;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Marketplace.Core.Bulk;

/// <summary>A data row of an uploaded table: its row number as a spreadsheet shows it (the header is row 1) and its cells.</summary>
/// <param name="Formulas">Which cells hold a formula (XLSX only; a CSV cell is always text).</param>
public sealed record TableRow(long Number, IReadOnlyList<string?> Cells, IReadOnlyList<bool> Formulas)
{
    public string? Cell(int index) => index < Cells.Count ? Cells[index] : null;

    public bool IsFormula(int index) => index < Formulas.Count && Formulas[index];

    public bool IsEmpty => Cells.All(string.IsNullOrWhiteSpace) && !Formulas.Any(f => f);
}

/// <summary>The file is not a readable CSV or XLSX table; the message (Chinese and English) is safe to show.</summary>
public sealed class UnreadableTableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reads an uploaded table row by row without loading it: CSV with CsvHelper (UTF-8 or a byte order mark's encoding,
/// RFC 4180 quoting, a record may not exceed 1 MiB), XLSX with the Open XML SDK's SAX reader over the first worksheet
/// (only the shared-string table is held in memory). The first row is the header. Completely empty rows are skipped.
/// </summary>
public abstract class TableReader : IDisposable
{
    public const int MaxRecordBytes = 1024 * 1024;

    /// <summary>Cells beyond this column are ignored (a crafted reference like ZZZZ1 must not allocate a huge row).</summary>
    public const int MaxColumns = 256;

    /// <summary>Excel's own limit for a cell: a longer one was not written by a spreadsheet program.</summary>
    public const int MaxCellChars = 32_767;

    /// <summary>
    /// The most an XLSX file's parts may unpack to, each (the worksheet and the shared strings are read whole or cell by cell:
    /// a small file of one 300-million-character cell would otherwise take gigabytes).
    /// </summary>
    public const long MaxXlsxPartBytes = 128L * 1024 * 1024;

    public abstract IReadOnlyList<string> Headers { get; }

    public abstract IEnumerable<TableRow> Rows();

    public abstract void Dispose();

    /// <summary>Opens <paramref name="file"/> (seekable, positioned at 0).</summary>
    public static TableReader Open(Stream file, TableFormat format) => format == TableFormat.Xlsx ? new XlsxTableReader(file) : new CsvTableReader(file);

    /// <summary>XLSX files are zip archives: they start with "PK".</summary>
    public static TableFormat Sniff(ReadOnlySpan<byte> start) => start.Length >= 2 && start[0] == (byte)'P' && start[1] == (byte)'K' ? TableFormat.Xlsx : TableFormat.Csv;

    private sealed class CsvTableReader : TableReader
    {
        private readonly CsvReader _reader;
        private readonly IReadOnlyList<string> _headers;

        /// <summary>Line breaks inside the quoted cells read so far: lines of the file that are no rows of the spreadsheet.</summary>
        private long _linesInsideCells;

        public CsvTableReader(Stream file)
        {
            _reader = CsvReader.Create(file, new CsvReaderOptions
            {
                HasHeader = true,
                MaxRecordSize = MaxRecordBytes,
                MalformedData = CsvMalformedDataHandling.Throw,
                TrackLineNumbers = true, // row numbers as the owner's spreadsheet shows them, empty lines included (Rows)
            }, leaveOpen: true);
            try
            {
                _headers = _reader.Headers.Select(h => h.Trim().TrimStart('\uFEFF')).ToArray();
                _linesInsideCells = _reader.Headers.Sum(LineBreaks);
            }
            catch (CsvFormatException e)
            {
                throw new UnreadableTableException("无法读取表头：CSV 格式错误 (the CSV header row is malformed).", e);
            }
        }

        public override IReadOnlyList<string> Headers => _headers;

        public override IEnumerable<TableRow> Rows()
        {
            while (true)
            {
                try
                {
                    if (!_reader.Read())
                    {
                        yield break;
                    }
                }
                catch (CsvFormatException e)
                {
                    throw new UnreadableTableException($"第 {_reader.RowNumber + 2} 行附近 CSV 格式错误（引号不配对或单行过长） (malformed CSV near row {_reader.RowNumber + 2}: unbalanced quotes or a record over 1 MiB).", e);
                }
                var cells = new string?[_reader.FieldCount];
                for (var i = 0; i < cells.Length; i++)
                {
                    cells[i] = _reader.GetString(i);
                }
                // The spreadsheet's row: the file's line, less the lines that were breaks inside earlier cells (an empty line
                // is a row there too).
                var row = new TableRow(_reader.LineNumber - _linesInsideCells, cells, new bool[cells.Length]);
                _linesInsideCells += cells.Sum(c => c is null ? 0 : LineBreaks(c));
                if (!row.IsEmpty)
                {
                    yield return row;
                }
            }
        }

        public override void Dispose() => _reader.Dispose();

        /// <summary>Line breaks in <paramref name="text"/>: CR LF, LF or a lone CR each count once.</summary>
        private static int LineBreaks(string text)
        {
            var breaks = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')))
                {
                    breaks++;
                }
            }
            return breaks;
        }
    }

    private sealed class XlsxTableReader : TableReader
    {
        private readonly SpreadsheetDocument _document;
        private readonly WorksheetPart _sheet;
        private readonly List<string> _sharedStrings = [];
        private IEnumerator<TableRow>? _rows;
        private IReadOnlyList<string>? _headers;

        public XlsxTableReader(Stream file)
        {
            try
            {
                CheckUnpackedSizes(file);
                _document = SpreadsheetDocument.Open(file, false);
                var workbook = _document.WorkbookPart ?? throw new UnreadableTableException("XLSX 文件没有工作簿 (the file has no workbook).");
                var first = workbook.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault()
                    ?? throw new UnreadableTableException("XLSX 文件没有工作表 (the workbook has no sheet).");
                _sheet = workbook.GetPartById(first.Id!.Value!) as WorksheetPart
                    ?? throw new UnreadableTableException("第一个工作表不是普通工作表 (the first sheet is not a worksheet).");
                if (workbook.SharedStringTablePart is { } strings)
                {
                    using var reader = OpenXmlReader.Create(strings);
                    while (reader.Read())
                    {
                        if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
                        {
                            _sharedStrings.Add(reader.LoadCurrentElement()!.InnerText);
                        }
                    }
                }
            }
            catch (Exception e) when (e is not UnreadableTableException and not OperationCanceledException)
            {
                throw new UnreadableTableException("不是有效的 XLSX 文件（请用 Excel/WPS 另存为 .xlsx） (not a readable XLSX file; save it as .xlsx).", e);
            }
        }

        public override IReadOnlyList<string> Headers
        {
            get
            {
                if (_headers is null)
                {
                    _rows = ReadRows().GetEnumerator();
                    _headers = Next() ? _rows.Current.Cells.Select(c => c?.Trim() ?? "").ToArray() : [];
                }
                return _headers;
            }
        }

        public override IEnumerable<TableRow> Rows()
        {
            _ = Headers;
            while (Next())
            {
                yield return _rows!.Current;
            }
        }

        /// <summary>The next row; a worksheet that is not well-formed XML is an unreadable table, wherever the damage lies.</summary>
        private bool Next()
        {
            try
            {
                return _rows!.MoveNext();
            }
            catch (Exception e) when (e is not UnreadableTableException and not OperationCanceledException)
            {
                throw new UnreadableTableException("XLSX 工作表内容损坏 (the worksheet is damaged).", e);
            }
        }

        /// <summary>Refuses a file whose parts unpack to more than <see cref="MaxXlsxPartBytes"/> each, before any is read.</summary>
        private static void CheckUnpackedSizes(Stream file)
        {
            using (var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true))
            {
                if (zip.Entries.Any(e => e.Length > MaxXlsxPartBytes))
                {
                    throw new UnreadableTableException($"XLSX 文件解压后过大（单个部件超过 {MaxXlsxPartBytes / 1024 / 1024} MB） (a part of the file unpacks to more than {MaxXlsxPartBytes / 1024 / 1024} MB).");
                }
            }
            file.Position = 0;
        }

        private IEnumerable<TableRow> ReadRows()
        {
            using var reader = OpenXmlReader.Create(_sheet);
            long lastRow = 0;
            while (Read(reader))
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }
                var number = reader.Attributes.FirstOrDefault(a => a.LocalName == "r").Value is { } r && long.TryParse(r, out var parsed) ? parsed : lastRow + 1;
                lastRow = number;
                var cells = new List<string?>();
                var formulas = new List<bool>();
                if (reader.ReadFirstChild())
                {
                    do
                    {
                        if (reader.ElementType != typeof(Cell))
                        {
                            continue;
                        }
                        var cell = (Cell)reader.LoadCurrentElement()!;
                        var index = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                        if (index >= MaxColumns)
                        {
                            continue;
                        }
                        while (cells.Count <= index)
                        {
                            cells.Add(null);
                            formulas.Add(false);
                        }
                        cells[index] = Value(cell);
                        formulas[index] = cell.CellFormula is not null;
                    }
                    while (reader.ReadNextSibling());
                }
                var row = new TableRow(number, cells, formulas);
                if (!row.IsEmpty)
                {
                    yield return row;
                }
            }
        }

        private static bool Read(OpenXmlReader reader)
        {
            try
            {
                return reader.Read();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new UnreadableTableException("XLSX 工作表内容损坏 (the worksheet is damaged).", e);
            }
        }

        private string? Value(Cell cell)
        {
            var type = cell.DataType?.Value;
            if (type == CellValues.InlineString)
            {
                return Bounded(cell.InlineString?.InnerText);
            }
            var raw = cell.CellValue?.Text;
            if (raw is null)
            {
                return null;
            }
            if (type == CellValues.SharedString)
            {
                return int.TryParse(raw, out var i) && i >= 0 && i < _sharedStrings.Count ? Bounded(_sharedStrings[i]) : null;
            }
            if (type == CellValues.Boolean)
            {
                return raw == "1" ? "TRUE" : "FALSE";
            }
            return raw;
        }

        private static string? Bounded(string? text) => text is { Length: > MaxCellChars }
            ? throw new UnreadableTableException($"单元格超过 {MaxCellChars} 个字符 (a cell holds more than {MaxCellChars} characters, Excel's own limit).")
            : text;

        /// <summary>"C12" → 2.</summary>
        private static int ColumnIndex(string reference)
        {
            var index = 0;
            foreach (var c in reference)
            {
                if (c is < 'A' or > 'Z')
                {
                    break;
                }
                index = Math.Min(index * 26 + (c - 'A' + 1), MaxColumns + 1);
            }
            return Math.Max(0, index - 1);
        }

        public override void Dispose() => _document.Dispose();
    }
}
