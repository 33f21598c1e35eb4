using Marketplace.Core.Bulk;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Financing;

/// <summary>
/// The fixed columns of the confirmed financing-needs list for banks (docs/government.md lists them). Their order and
/// headers don't change without a new documented version: banks' import scripts depend on them.
/// </summary>
public static class FinancingExport
{
    public const string SheetName = "融资需求清单";

    public static IReadOnlyList<TableColumn<FinancingExportRow>> Columns(TaxonomyCatalog taxonomy) =>
    [
        new("需求编号", r => r.Id.ToString("D")),
        new("区县", r => r.District),
        new("企业名称", r => r.EnterpriseName),
        new("统一社会信用代码", r => r.CreditCode),
        new("所属行业", r => r.Industry),
        new("企业规模", r => r.Scale),
        new("技改项目", r => r.ProjectTitle),
        new("关联对接编号", r => r.EngagementId?.ToString("D")),
        new("重点方向", r => string.Join("、", FinancingStore.ParseDirections(r.Directions).Select(d => taxonomy.FindDirection(d)?.Name ?? d))),
        new("计划投资(元)", r => r.PlannedInvestmentYuan),
        new("融资金额(元)", r => r.AmountYuan),
        new("融资期限(月)", r => r.TermMonths),
        new("资金用途", r => r.Purpose),
        new("预期效益", r => r.ExpectedBenefits),
        new("提交时间", r => r.CreatedAt),
        new("确认时间", r => r.ConfirmedAt),
    ];
}
