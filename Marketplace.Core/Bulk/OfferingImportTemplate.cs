using System.Globalization;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Bulk;

/// <summary>One column of the offering import template: its header, the API field it fills, whether it is required, and what to put in it.</summary>
public sealed record ImportColumn(string Header, string Field, bool Required, string Description, string Example);

/// <summary>
/// The offering import template (docs/bulk-files.md): fixed Chinese headers, one offering per row. A row becomes the
/// same <see cref="OfferingInput"/> the API takes and is checked by <see cref="OfferingValidation"/> itself, so a
/// row is valid exactly when the same offering sent to POST /api/v1/offerings would be. Lists are separated by 、 , ; or
/// a line break; types, deployment modes, directions and technology items may be given by code or by Chinese name.
/// </summary>
public sealed class OfferingImportTemplate(TaxonomyCatalog taxonomy)
{
    public const string SheetName = "方案";
    public const string GuideSheetName = "填写说明";

    private static readonly char[] ListSeparators = ['、', ',', '，', ';', '；', '\n', '\r'];

    public static readonly IReadOnlyList<ImportColumn> Columns =
    [
        new("类型", "type", true, "solution 解决方案、component 组件 或 tool 工具", "解决方案"),
        new("标题", "title", true, $"方案名称，最多 {OfferingValidation.TitleMax} 字", "六轴弧焊机器人工作站"),
        new("摘要", "summary", true, $"一句话说明，最多 {OfferingValidation.SummaryMax} 字", "替代人工焊接，适合车架、钢结构中小批量焊接"),
        new("详细描述", "description", true, $"最多 {OfferingValidation.DescriptionMax} 字", "六轴弧焊机器人配变位机与焊缝跟踪，焊缝均匀，减少返工。"),
        new("重点方向", "directions", true, "1–3 个重点方向，代码或名称，用 、 分隔（见 GET /api/v1/taxonomy）", "机械制造"),
        new("技术方向", "subDirections", false, "所选重点方向下的技术方向，代码或名称，用 、 分隔", "焊接工艺设备"),
        new("关键词", "keywords", false, $"最多 {OfferingValidation.KeywordsMax} 个，用 、 分隔", "弧焊机器人、焊接"),
        new("部署方式", "deployment", true, "saas、on-premise、hybrid、hardware 或其中文名称", "硬件设备"),
        new("最低报价(元)", "priceMinYuan", true, "整数，元", "250000"),
        new("最高报价(元)", "priceMaxYuan", true, "整数，元，不低于最低报价", "600000"),
        new("实施周期(天)", "implementationDays", true, $"1–{Limits.MaxDays} 的整数", "45"),
        new("服务区县", "districts", true, "区县名称，用 、 分隔，或 全市", "全市"),
        new("案例客户", "cases[0].customer", false, "一个交付案例的客户（填写案例时必填）", "某摩托车配件厂"),
        new("案例区县", "cases[0].district", false, "案例所在区县", "璧山区"),
        new("案例年份", "cases[0].year", false, "案例年份", "2024"),
        new("案例成效", "cases[0].outcome", false, "案例成效，最多 500 字", "返工率下降一半"),
    ];

    /// <summary>Problems with the header row: missing required columns, unknown or repeated columns (empty when fine).</summary>
    public static IReadOnlyList<string> HeaderProblems(IReadOnlyList<string> headers)
    {
        // Excel and WPS on Chinese Windows save "CSV (逗号分隔)" in GBK: read as UTF-8, every Chinese header is garbled.
        if (headers.Any(h => h.Contains((char)TextRules.ReplacementCharacter)))
        {
            return ["文件不是 UTF-8 编码（多为 GBK）：请在 Excel 或 WPS 中另存为「CSV UTF-8（逗号分隔）」或 xlsx 后再上传 (the file is not UTF-8, most likely GBK: save it as \"CSV UTF-8\" or xlsx and upload again)."];
        }
        var problems = new List<string>();
        var known = Columns.Select(c => c.Header).ToHashSet(StringComparer.Ordinal);
        var missing = Columns.Where(c => c.Required && !headers.Contains(c.Header)).Select(c => c.Header).ToArray();
        if (missing.Length > 0)
        {
            problems.Add($"缺少必填列：{string.Join("、", missing)} (missing required columns).");
        }
        var unknown = headers.Where(h => h.Length > 0 && !known.Contains(h)).Distinct().ToArray();
        if (unknown.Length > 0)
        {
            problems.Add($"未知的列：{string.Join("、", unknown)}；请使用模板的表头 (unknown columns; use the template's headers, GET /api/v1/offering-imports/template).");
        }
        var repeated = headers.Where(h => h.Length > 0).GroupBy(h => h).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        if (repeated.Length > 0)
        {
            problems.Add($"重复的列：{string.Join("、", repeated)} (repeated columns).");
        }
        return problems;
    }

    /// <summary>
    /// Turns a data row into the API's input, or into row errors (row, column, message in Chinese): a formula, or text
    /// starting with = + - @ (which a spreadsheet would run), a number that isn't one, or whatever the API's own
    /// validation says about the offering.
    /// </summary>
    public (OfferingContent? Content, IReadOnlyList<RowError> Errors) Read(IReadOnlyList<string> headers, TableRow row, int currentYear)
    {
        var errors = new List<RowError>();
        var cells = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            var column = Columns.FirstOrDefault(c => c.Header == headers[i]);
            if (column is null)
            {
                continue;
            }
            var value = row.Cell(i)?.Trim();
            if (row.IsFormula(i))
            {
                errors.Add(new RowError(row.Number, column.Header, "单元格是公式，请粘贴为数值或文本后再导入 (the cell is a formula; paste it as a value)."));
                continue;
            }
            // A negative number in a number column is no formula: the price and day rules say what is wrong with it.
            if (value is { Length: > 0 } && "=+-@".Contains(value[0]) && !(NumberColumns.Contains(column.Field) && ParseNumber(value) is not null))
            {
                errors.Add(new RowError(row.Number, column.Header, $"单元格以 {value[0]} 开头，表格软件可能把它当作公式执行，请去掉开头的字符 (a cell starting with {value[0]} may run as a formula)."));
                continue;
            }
            cells[column.Field] = string.IsNullOrEmpty(value) ? null : value;
        }
        // A cell under no header (right of the last one, or under an empty one) would be dropped without a word.
        for (var i = 0; i < row.Cells.Count; i++)
        {
            if ((i >= headers.Count || headers[i].Length == 0) && (!string.IsNullOrWhiteSpace(row.Cell(i)) || row.IsFormula(i)))
            {
                errors.Add(new RowError(row.Number, $"第{i + 1}列",
                    "该列没有表头，内容不会导入；请删除，或填到模板的列中 (a cell under no header would not be imported: delete it or move it into a template column)."));
            }
        }
        long? Number(string field)
        {
            var text = cells.GetValueOrDefault(field);
            if (text is null)
            {
                return null;
            }
            if (ParseNumber(text) is { } n)
            {
                return n;
            }
            errors.Add(new RowError(row.Number, HeaderOf(field), $"应为整数，而不是 {TextRules.Quoted(text)} (must be a whole number)."));
            return null;
        }
        int? Small(string field) => Number(field) is { } n ? (int)Math.Clamp(n, int.MinValue, int.MaxValue) : null;

        var hasCase = new[] { "cases[0].customer", "cases[0].district", "cases[0].year", "cases[0].outcome" }.Any(f => cells.GetValueOrDefault(f) is not null);
        var input = new OfferingInput(
            Code(cells.GetValueOrDefault("type"), taxonomy.Document.OfferingTypes),
            cells.GetValueOrDefault("title"),
            cells.GetValueOrDefault("summary"),
            cells.GetValueOrDefault("description"),
            List(cells.GetValueOrDefault("directions")).Select(DirectionCode).ToArray(),
            List(cells.GetValueOrDefault("subDirections")).Select(SubDirectionCode).ToArray(),
            List(cells.GetValueOrDefault("keywords")),
            Code(cells.GetValueOrDefault("deployment"), taxonomy.Document.DeploymentModes),
            Number("priceMinYuan"),
            Number("priceMaxYuan"),
            Small("implementationDays"),
            List(cells.GetValueOrDefault("districts")),
            hasCase
                ? [new OfferingCaseInput(cells.GetValueOrDefault("cases[0].customer"), cells.GetValueOrDefault("cases[0].district"), Small("cases[0].year"), cells.GetValueOrDefault("cases[0].outcome"))]
                : null);
        try
        {
            var content = OfferingValidation.Validate(input, taxonomy, currentYear);
            return errors.Count > 0 ? (null, errors) : (content, []);
        }
        catch (ValidationException e)
        {
            // Every problem of the row at once; a column already refused above (a formula, not a number) is not refused twice.
            var refused = errors.Select(r => r.ColumnName).ToHashSet(StringComparer.Ordinal);
            errors.AddRange(e.Errors.SelectMany(field => field.Value.Select(message => new RowError(row.Number, HeaderOf(field.Key), message)))
                .Where(r => !refused.Contains(r.ColumnName)));
            return (null, errors);
        }
    }

    private static readonly HashSet<string> NumberColumns = new(StringComparer.Ordinal) { "priceMinYuan", "priceMaxYuan", "implementationDays", "cases[0].year" };

    /// <summary>
    /// A whole number as people and spreadsheets write it: thousands separators, full-width digits (１０００, from Chinese input
    /// methods), and a spreadsheet's floating-point noise (30.000000000000004 shows as 30); null when it is none.
    /// </summary>
    private static long? ParseNumber(string text)
    {
        var halfWidth = TextRules.ToHalfWidth(text).Replace(",", "");
        if (!decimal.TryParse(halfWidth, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return null;
        }
        var whole = decimal.Round(d);
        return Math.Abs(d - whole) < 0.000001m && whole is >= long.MinValue and <= long.MaxValue ? (long)whole : null;
    }

    /// <summary>The column of an API field or of one of its elements (<c>directions[1]</c> → 重点方向).</summary>
    public static string HeaderOf(string field)
    {
        var column = Columns.FirstOrDefault(c => c.Field == field)
            ?? Columns.FirstOrDefault(c => field.StartsWith(c.Field + "[", StringComparison.Ordinal) || field.StartsWith(c.Field + ".", StringComparison.Ordinal))
            ?? Columns.FirstOrDefault(c => c.Field.StartsWith(field, StringComparison.Ordinal));
        return column?.Header ?? field;
    }

    private static List<string> List(string? text) =>
        text is null ? [] : text.Split(ListSeparators, StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string? Code(string? text, IReadOnlyList<CodeName> values) =>
        text is null ? null : values.FirstOrDefault(v => v.Code == text || SameName(v.Name, text))?.Code ?? text;

    private string DirectionCode(string text) => taxonomy.Directions.FirstOrDefault(d => d.Code == text || SameName(d.Name, text))?.Code ?? text;

    private string SubDirectionCode(string text) => taxonomy.SubDirections.FirstOrDefault(s => s.Code == text || SameName(s.Name, text))?.Code ?? text;

    /// <summary>A name as a person types it into a sheet: spaces and the case of Latin letters aside (SaaS云服务 is SaaS 云服务).</summary>
    private static bool SameName(string name, string text) =>
        string.Equals(WithoutSpaces(name), WithoutSpaces(text), StringComparison.OrdinalIgnoreCase);

    private static string WithoutSpaces(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    /// <summary>The template: the header row on the first sheet, and a guide sheet (column, required, what to fill, example).</summary>
    public static IReadOnlyList<TableSheet> Sheets() =>
    [
        new(SheetName, Columns.Select(c => c.Header).ToArray(), Empty()),
        new(GuideSheetName, ["列", "必填", "填写说明", "示例"],
            Columns.Select(c => new object?[] { c.Header, c.Required ? "是" : "否", c.Description, c.Example }).ToAsyncEnumerable()),
    ];

    private static async IAsyncEnumerable<object?[]> Empty()
    {
        await Task.CompletedTask;
        yield break;
    }
}
