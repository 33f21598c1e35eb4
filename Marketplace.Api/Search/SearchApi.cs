using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Marketplace.Api.Demands;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Search;

public static class SearchApi
{
    public const int QueryMaxLength = 200;
    public const int CursorMaxLength = 2_000;
    public const int MaxFilterValues = 20;

    public static IEndpointRouteBuilder MapSearch(this IEndpointRouteBuilder app)
    {
        // A literal segment: never taken for /api/v1/offerings/{id}.
        app.MapGet("/api/v1/offerings/search", Search)
            .WithTags("Search")
            .AllowAnonymous()
            .WithName("SearchOfferings")
            .WithSummary("搜索已发布方案 (search published offerings)")
            .WithDescription("""
                Public; anonymous callers are rate-limited. Chinese full-text search over title, summary, description, keywords, cases and supplier,
                with the domain thesaurus (MES ↔ 制造执行系统, AGV ↔ 智能搬运机器人 …) applied to `q` (at most 200 characters; blank matches everything).
                `q` may be a sentence in the owner's words (仓库老是账实不符，想扫码管进出库): it is read as a demand item is, and the offerings of the
                technology items it asks for are found as well (`understanding`, `understoodItems`; a query of general wishes only, such as 数字化转型, adds none).
                A budget or deadline stated in `q` (钱最多五十万, 两个月内) is named in `understanding` with the `maxPriceYuan`/`maxDays` that would apply it, not applied.
                Filters are ANDed: `direction` (repeatable, ORed; a direction also matches offerings listing only its sub-directions), `subDirection`
                (repeatable, ORed), `type`, `deployment`, `district` (offerings serving it or 全市), `maxPriceYuan` (minimum price at most this), `maxDays`.
                Codes are those of GET /api/v1/taxonomy; unknown codes answer 400 with field errors. `sort`: relevance (default), newest, price, price_desc;
                equal scores are ordered by a stable hash of the id. `page`/`pageSize` (default 20, at most 100) reach the first 10,000 results;
                beyond that follow `nextCursor` with `cursor` (and `pageSize`): `page` and `cursor` are two ways of paging, both at once is a 400.
                A cursor reads its next page from the same snapshot of the catalog as its first for 10 minutes after a newer one replaced it
                (as Elasticsearch's point in time), so offerings published, edited or retired meanwhile change nothing in its ranking: each
                offering once, none skipped (its pages may show an offering as it was). After that, it goes on in the current ranking, best effort:
                a few offerings may show twice, and one may be missed when offerings were both retired and published meanwhile.
                `sort=newest` orders by the time the current revision was approved.
                `facets` count direction, subDirection, type, deployment and district over all matches, each ignoring its own filter.
                An approved offering is searchable within about 2 s.
                """)
            .WithProblems(400, 429, 503);
        return app;
    }

    private static async Task<Ok<SearchResponse>> Search(
        IOfferingIndex index,
        TaxonomyCatalog taxonomy,
        SearchQueryReadings readings,
        TimeProvider clock,
        [MaxLength(QueryMaxLength), Description("Words in Chinese (or English terms); blank matches everything.")] string? q,
        [FromQuery, MaxLength(MaxFilterValues), CodeList(CodeList.Directions)] string[]? direction,
        [FromQuery, MaxLength(MaxFilterValues), CodeList(CodeList.SubDirections)] string[]? subDirection,
        [CodeList(CodeList.OfferingTypes)] string? type,
        [CodeList(CodeList.DeploymentModes)] string? deployment,
        [CodeList(CodeList.ServiceAreas), Description("Offerings serving this district (or the whole city).")] string? district,
        [Range(0d, Limits.MaxYuan), Description("Offerings whose lowest price is at most this (yuan).")] long? maxPriceYuan,
        [Range(1, Limits.MaxDays), Description("Offerings implemented within this many days.")] int? maxDays,
        [CodeList(CodeList.SearchSorts)] string? sort,
        [Range(1, Paging.MaxPage)] int? page,
        [Range(1, Paging.MaxPageSize)] int? pageSize,
        [MaxLength(CursorMaxLength), Description("The previous page's nextCursor, to page beyond the first 10,000 results; not with page.")] string? cursor,
        CancellationToken ct)
    {
        var v = new Validator();
        var text = q?.Trim();
        v.Text("q", text, QueryMaxLength);
        var (p, size) = Paging.Validate(page, pageSize, v);
        var directions = Codes(direction);
        foreach (var code in directions.Where(c => !taxonomy.IsDirection(c)))
        {
            v.Add("direction", TaxonomyChecks.UnknownDirection(code));
        }
        if (directions.Length > MaxFilterValues)
        {
            v.Add("direction", $"最多 {MaxFilterValues} 个 (at most {MaxFilterValues} values).");
        }
        var subDirections = Codes(subDirection);
        if (subDirections.Length > MaxFilterValues)
        {
            v.Add("subDirection", $"最多 {MaxFilterValues} 个 (at most {MaxFilterValues} values).");
        }
        foreach (var code in subDirections.Where(c => !taxonomy.IsSubDirection(c)))
        {
            v.Add("subDirection", TaxonomyChecks.UnknownSubDirection(code));
        }
        type = Blank(type);
        if (type is not null && !taxonomy.IsOfferingType(type))
        {
            v.Add("type", $"未知的类型 '{type}' (one of: {string.Join(", ", taxonomy.Document.OfferingTypes.Select(t => t.Code))}).");
        }
        deployment = Blank(deployment);
        if (deployment is not null && !taxonomy.IsDeployment(deployment))
        {
            v.Add("deployment", $"未知的部署方式 '{deployment}' (one of: {string.Join(", ", taxonomy.Document.DeploymentModes.Select(t => t.Code))}).");
        }
        district = Blank(district);
        if (district is not null && !taxonomy.IsServiceArea(district))
        {
            v.Add("district", TaxonomyChecks.UnknownDistrict(district, orAlso: TaxonomyCatalog.WholeCityName));
        }
        v.Range("maxPriceYuan", maxPriceYuan, 0, Limits.MaxYuan);
        v.Range("maxDays", maxDays, 1, Limits.MaxDays);
        var order = SearchSort.Relevance;
        if (Blank(sort) is { } sortCode && !SearchSorts.ByCode.TryGetValue(sortCode, out order))
        {
            v.Add("sort", $"未知的排序 '{sortCode}' (one of: {string.Join(", ", SearchSorts.ByCode.Keys)}).");
        }
        cursor = Blank(cursor);
        v.Text("cursor", cursor, CursorMaxLength);
        if (cursor is not null && page is not null)
        {
            // Two paging modes: a cursor continues after the page it came from, so a page number would be ignored.
            const string both = "page 与 cursor 不能同时使用：按页码翻页用 page，跟随 nextCursor 用 cursor (page and cursor are two ways of paging; send one).";
            v.Add("page", both);
            v.Add("cursor", both);
        }
        if (cursor is null && v.IsValid && (long)p * size > OfferingSearchRequest.MaxOffsetWindow)
        {
            v.Add("page", $"页码过深：前 {OfferingSearchRequest.MaxOffsetWindow} 条之后请使用 cursor (offset paging reaches the first {OfferingSearchRequest.MaxOffsetWindow} results; follow nextCursor beyond).");
        }
        v.ThrowIfAny();

        // Only stop words or symbols (的, 我们想要, ？？): nothing to search by, so everything is listed, and the answer says so.
        var wordless = !string.IsNullOrEmpty(text) && !QueryWords.Any(text);
        if (wordless || string.IsNullOrEmpty(text))
        {
            text = null;
        }
        var reading = text is null ? null : readings.Read(text);
        var request = new OfferingSearchRequest
        {
            Text = text,
            BoostTerms = reading?.BoostTerms ?? [],
            Directions = directions,
            SubDirections = subDirections,
            Type = type,
            Deployment = deployment,
            District = district,
            MaxPriceYuan = maxPriceYuan,
            MaxDays = maxDays,
            Sort = order,
            Offset = cursor is null ? (p - 1) * size : 0,
            Limit = size,
            Cursor = cursor,
        };
        var result = await index.SearchAsync(request, ct);
        var need = reading?.Need;
        var understood = need is { Items.Count: > 0 } or { IsVague: true, GeneralWords.Count: > 0 };
        var understanding = wordless ? NoWordsNote(q!.Trim()) : understood ? need!.Summary : null;
        if (text is not null && StatedLimitsHint(StatedLimitsReader.Read(text, ChinaTime.Today(clock)), maxPriceYuan, maxDays) is { } hint)
        {
            understanding = understanding is null ? hint : $"{understanding}；{hint}";
        }
        // A cursor's page is numbered by where it starts, as if reached by page numbers.
        var pageNumber = cursor is null ? p : (int)Math.Min(int.MaxValue, result.Start / size + 1);
        return TypedResults.Ok(new SearchResponse(result.Total, pageNumber, size, result.NextCursor,
            result.Hits.Select(SearchItem.From).ToArray(), SearchFacets.From(result.Facets),
            understanding,
            need?.Items.Select(u => new UnderstoodItemResponse(u.Code, u.Name, u.Weight, u.Evidence)).ToArray() ?? []));
    }

    /// <summary>
    /// A budget or deadline the query states (钱最多五十万, 两个月内) is not applied as a filter — an offering a little above
    /// it may still be the one — but named, with the parameter that applies it.
    /// </summary>
    internal static string? StatedLimitsHint(StatedLimits stated, long? maxPriceYuan, int? maxDays)
    {
        var parts = new List<string>();
        if (stated.BudgetYuan is { } budget && maxPriceYuan is null)
        {
            parts.Add($"文中预算{DemandMatcher.Yuan(budget)}以内（只看报价在预算内的方案：maxPriceYuan={budget}）");
        }
        if (stated.WithinDays is { } days && maxDays is null)
        {
            parts.Add($"文中工期{days}天内（只看能按期完成的方案：maxDays={days}）");
        }
        return parts.Count == 0 ? null : string.Join("；", parts);
    }

    internal static string NoWordsNote(string q) =>
        $"「{(q.Length > 20 ? q[..20] + "…" : q)}」中没有可检索的词语（只有常用虚词或符号），列出的是全部方案";

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string[] Codes(string[]? values) =>
        (values ?? []).SelectMany(s => (s ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal)
            .ToArray();
}
