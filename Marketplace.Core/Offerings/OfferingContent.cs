using System.ComponentModel.DataAnnotations;
using Marketplace.Core.Common;
using Marketplace.Core.Taxonomy;
using Validator = Marketplace.Core.Common.Validator;

namespace Marketplace.Core.Offerings;

/// <summary>A delivery case an integrator cites.</summary>
public sealed record OfferingCase(string Customer, string? District, int? Year, string? Outcome);

/// <summary>
/// What an integrator sends to create or edit an offering (every field checked by <see cref="OfferingValidation"/>; the
/// attributes document the same limits in the OpenAPI document).
/// </summary>
/// <param name="Type">Offering type code (GET /api/v1/taxonomy offeringTypes).</param>
/// <param name="Directions">1–3 priority direction codes.</param>
/// <param name="SubDirections">Technology item codes; each must belong to one of <paramref name="Directions"/>.</param>
/// <param name="PriceMinYuan">Lowest price in yuan.</param>
/// <param name="PriceMaxYuan">Highest price in yuan (at least <paramref name="PriceMinYuan"/>).</param>
/// <param name="ImplementationDays">Typical implementation time in days.</param>
/// <param name="Districts">Districts served, or 全市 for the whole city.</param>
public sealed record OfferingInput(
    [Required, CodeList(CodeList.OfferingTypes)] string? Type,
    [Required, MaxLength(OfferingValidation.TitleMax)] string? Title,
    [Required, MaxLength(OfferingValidation.SummaryMax)] string? Summary,
    [Required, MaxLength(OfferingValidation.DescriptionMax)] string? Description,
    [Required, Length(OfferingValidation.DirectionsMin, OfferingValidation.DirectionsMax), CodeList(CodeList.Directions)] IReadOnlyList<string>? Directions,
    [CodeList(CodeList.SubDirections)] IReadOnlyList<string>? SubDirections,
    [MaxLength(OfferingValidation.KeywordsMax), ItemMaxLength(OfferingValidation.KeywordLengthMax)] IReadOnlyList<string>? Keywords,
    [Required, CodeList(CodeList.DeploymentModes)] string? Deployment,
    [Required, Range(0d, Limits.MaxYuan)] long? PriceMinYuan,
    [Required, Range(0d, Limits.MaxYuan)] long? PriceMaxYuan,
    [Required, Range(1, Limits.MaxDays)] int? ImplementationDays,
    [Required, MinLength(1), CodeList(CodeList.ServiceAreas)] IReadOnlyList<string>? Districts,
    [MaxLength(OfferingValidation.CasesMax)] IReadOnlyList<OfferingCaseInput>? Cases);

/// <param name="Customer">The customer (at most 100 characters).</param>
/// <param name="District">The customer's district.</param>
/// <param name="Year">Year of delivery (1990 to next year).</param>
/// <param name="Outcome">What it achieved.</param>
public sealed record OfferingCaseInput(
    [Required, MaxLength(OfferingValidation.CaseCustomerMax)] string? Customer,
    [CodeList(CodeList.Districts)] string? District,
    [Range(OfferingValidation.CaseYearMin, int.MaxValue)] int? Year,
    [MaxLength(OfferingValidation.CaseOutcomeMax)] string? Outcome);

/// <summary>The validated, normalized content of one revision (stored as JSON).</summary>
public sealed record OfferingContent(
    string Type,
    string Title,
    string Summary,
    string Description,
    IReadOnlyList<string> Directions,
    IReadOnlyList<string> SubDirections,
    IReadOnlyList<string> Keywords,
    string Deployment,
    long PriceMinYuan,
    long PriceMaxYuan,
    int ImplementationDays,
    IReadOnlyList<string> Districts,
    IReadOnlyList<OfferingCase> Cases);

public static class OfferingValidation
{
    public const int TitleMax = 100;
    public const int SummaryMax = 200;
    public const int DescriptionMax = 5_000;
    public const int KeywordsMax = 20;
    public const int KeywordLengthMax = 30;
    public const int CasesMax = 20;
    public const int CaseCustomerMax = 100;
    public const int CaseOutcomeMax = 500;
    public const int CaseYearMin = 1990;
    public const int DirectionsMin = 1;
    public const int DirectionsMax = 3;

    public static OfferingContent Validate(OfferingInput? input, TaxonomyCatalog taxonomy, int currentYear)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        var i = input!;
        if (v.Required("type", i.Type) && !taxonomy.IsOfferingType(i.Type!))
        {
            v.Add("type", $"未知的类型 {TextRules.Quoted(i.Type)} (one of: {string.Join(", ", taxonomy.Document.OfferingTypes.Select(t => t.Code))}).");
        }
        Text(v, "title", i.Title, TitleMax);
        Text(v, "summary", i.Summary, SummaryMax);
        Text(v, "description", i.Description, DescriptionMax);

        var (directions, subDirections) = TaxonomyChecks.Directions(taxonomy, v, i.Directions, i.SubDirections, max: DirectionsMax);
        var keywords = Distinct(i.Keywords);
        if (keywords.Count > KeywordsMax)
        {
            v.Add("keywords", $"最多 {KeywordsMax} 个关键词 (at most {KeywordsMax} keywords).");
        }
        for (var n = 0; n < keywords.Count; n++)
        {
            v.Text($"keywords[{n}]", keywords[n], KeywordLengthMax);
        }
        if (v.Required("deployment", i.Deployment) && !taxonomy.IsDeployment(i.Deployment!))
        {
            v.Add("deployment", $"未知的部署方式 {TextRules.Quoted(i.Deployment)} (one of: {string.Join(", ", taxonomy.Document.DeploymentModes.Select(t => t.Code))}).");
        }
        if (v.Required("priceMinYuan", i.PriceMinYuan))
        {
            v.Range("priceMinYuan", i.PriceMinYuan, 0, Limits.MaxYuan);
        }
        if (v.Required("priceMaxYuan", i.PriceMaxYuan))
        {
            v.Range("priceMaxYuan", i.PriceMaxYuan, 0, Limits.MaxYuan);
            if (i.PriceMinYuan is not null && i.PriceMaxYuan < i.PriceMinYuan)
            {
                v.Add("priceMaxYuan", "最高报价不能低于最低报价 (must be at least priceMinYuan).");
            }
        }
        if (v.Required("implementationDays", i.ImplementationDays))
        {
            v.Range("implementationDays", i.ImplementationDays, 1, Limits.MaxDays);
        }
        var districts = Distinct(i.Districts);
        if (districts.Contains(TaxonomyCatalog.WholeCityName) && districts.All(taxonomy.IsServiceArea))
        {
            districts = [TaxonomyCatalog.WholeCityName]; // 全市 covers every district: a list naming some as well says less, not more
        }
        if (districts.Count == 0)
        {
            v.Add("districts", "至少填写一个服务区县，或 全市 (at least one district served, or 全市).");
        }
        for (var n = 0; n < districts.Count; n++)
        {
            if (!taxonomy.IsServiceArea(districts[n]))
            {
                v.Add($"districts[{n}]", TaxonomyChecks.UnknownDistrict(districts[n], orAlso: TaxonomyCatalog.WholeCityName));
            }
        }
        var cases = i.Cases ?? [];
        if (cases.Count > CasesMax)
        {
            v.Add("cases", $"最多 {CasesMax} 个案例 (at most {CasesMax} cases).");
        }
        for (var n = 0; n < cases.Count; n++)
        {
            var c = cases[n];
            if (c is null)
            {
                v.Add($"cases[{n}]", "必填 (required).");
                continue;
            }
            if (v.Required($"cases[{n}].customer", c.Customer))
            {
                v.Text($"cases[{n}].customer", c.Customer, CaseCustomerMax);
            }
            if (c.District is not null && !taxonomy.IsDistrict(c.District))
            {
                v.Add($"cases[{n}].district", TaxonomyChecks.UnknownDistrict(c.District));
            }
            v.Range($"cases[{n}].year", c.Year, CaseYearMin, currentYear + 1);
            v.Text($"cases[{n}].outcome", c.Outcome, CaseOutcomeMax);
        }
        v.ThrowIfAny();
        return new OfferingContent(i.Type!, i.Title!.Trim(), i.Summary!.Trim(), i.Description!.Trim(), directions, subDirections, keywords,
            i.Deployment!, i.PriceMinYuan!.Value, i.PriceMaxYuan!.Value, i.ImplementationDays!.Value, districts,
            cases.Select(c => new OfferingCase(c.Customer!.Trim(), c.District, c.Year, c.Outcome?.Trim())).ToArray());
    }

    private static void Text(Validator v, string field, string? value, int max)
    {
        if (v.Required(field, value))
        {
            v.Text(field, value!.Trim(), max);
        }
    }

    private static List<string> Distinct(IReadOnlyList<string>? values) => TaxonomyChecks.Distinct(values);
}
