using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Api.Plans;
using Marketplace.Core.Bulk;
using Marketplace.Core.Common;
using Marketplace.Core.Financing;
using Marketplace.Core.Taxonomy;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Financing;

/// <param name="PlanProjectId">One of the enterprise's plan projects; or give `engagementId` instead.</param>
/// <param name="EngagementId">One of the enterprise's engagements (when engagements are available).</param>
/// <param name="AmountYuan">Loan amount in yuan (1 – 10^11).</param>
/// <param name="TermMonths">Loan term in months (1–360).</param>
/// <param name="Purpose">What the money is for (≤ 1,000 characters).</param>
/// <param name="ExpectedBenefits">Expected benefits (≤ 1,000 characters).</param>
public sealed record FinancingNeedRequest(
    Guid? PlanProjectId,
    Guid? EngagementId,
    [Required, Range(1d, FinancingStore.AmountLimitYuan)] long? AmountYuan,
    [Required, Range(1, FinancingStore.TermLimitMonths)] int? TermMonths,
    [Required, MaxLength(FinancingStore.TextMax)] string? Purpose,
    [Required, MaxLength(FinancingStore.TextMax)] string? ExpectedBenefits)
{
    public FinancingNeedInput ToInput() => new(PlanProjectId, EngagementId, AmountYuan, TermMonths, Purpose, ExpectedBenefits);
}

public sealed record ReturnFinancingRequest([Required, MaxLength(FinancingStore.TextMax)] string? Reason);

public sealed record FinancingNeedResponse(
    Guid Id,
    EnterpriseRef Enterprise,
    string District,
    Guid? PlanProjectId,
    string? PlanProjectTitle,
    Guid? EngagementId,
    IReadOnlyList<string> Directions,
    long AmountYuan,
    int TermMonths,
    string Purpose,
    string ExpectedBenefits,
    string Status,
    string? ReturnReason,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static FinancingNeedResponse From(FinancingNeed f) => new(f.Id, new EnterpriseRef(f.EnterpriseId, f.EnterpriseName), f.District, f.PlanProjectId,
        f.PlanProjectTitle, f.EngagementId, f.Directions, f.AmountYuan, f.TermMonths, f.Purpose, f.ExpectedBenefits, f.Status, f.ReturnReason, f.ConfirmedAt,
        f.CreatedAt, f.UpdatedAt);
}

public static class FinancingApi
{
    public static IEndpointRouteBuilder MapFinancing(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/financing-needs").WithTags("Financing needs").RequireAuthorization();

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("CreateFinancingNeed")
            .ProducesETag()
            .WithSummary("提出融资需求 (submit a financing need)")
            .WithDescription("Enterprise only (技改专项贷): attached to one of its plan projects (`planProjectId`) or engagements (`engagementId`), with amount, term, purpose and expected benefits. It waits for the district office's confirmation. Answers 201 with Location and ETag. A 409 with the key the district office received to hand over when it registered the enterprise (or one added with it): the enterprise rotates it first, so that the office never confirms what it could have submitted itself.")
            .WithAuthProblems().WithProblems(400, 409, 413, 415);

        group.MapGet("/", List)
            .WithName("ListFinancingNeeds")
            .WithSummary("融资需求列表 (list financing needs)")
            .WithDescription("Paged (pageSize ≤ 100), latest change first. An enterprise sees its own, a district office its district's, operators all (filter with `district`); others get 403. Filters: status (submitted, confirmed, returned), direction, from/to (calendar days in China Standard Time, both included, on the confirmation time or, before it, the submission time).")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/export", Export)
            .RequireAuthorization(Policies.OperatorOrDistrict)
            .WithName("ExportFinancingNeeds")
            .WithSummary("导出已确认的融资需求清单 (the confirmed list for banks)")
            .WithDescription("Operators (all districts, or `district`) and district offices (their own): confirmed needs as `format` csv (UTF-8 with BOM, RFC 4180, text starting with = + - @ prefixed with ') or xlsx, with fixed columns: 需求编号, 区县, 企业名称, 统一社会信用代码, 所属行业, 企业规模, 技改项目, 关联对接编号, 重点方向, 计划投资(元), 融资金额(元), 融资期限(月), 资金用途, 预期效益, 提交时间, 确认时间 (times in China Standard Time). Filters: district, direction, from/to on the confirmation day. For Excel or WPS ask for xlsx: they read an all-digit 统一社会信用代码 in a CSV as a number and drop its last digits.")
            .ProducesFile(TableFormats.CsvContentType, TableFormats.XlsxContentType)
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/{id}", Get)
            .WithName("GetFinancingNeed")
            .ProducesETag()
            .WithSummary("融资需求详情 (read a financing need)")
            .WithDescription("The enterprise, its district office and operators; anyone else gets 404. The ETag header is the value If-Match expects.")
            .WithAuthProblems().WithProblems(404);

        group.MapPut("/{id}", Update)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("UpdateFinancingNeed")
            .ProducesETag()
            .WithSummary("修改融资需求 (edit a financing need)")
            .WithDescription("The enterprise only; If-Match is required (428 without it, 412 when stale). Editing a returned need submits it again; confirmed needs can't be edited (409), nor any with the key the district office handed over (409: rotate it first).")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapPost("/{id}/confirm", Confirm)
            .RequireAuthorization(Policies.District)
            .WithName("ConfirmFinancingNeed")
            .ProducesETag()
            .WithSummary("区县确认 (the district office confirms)")
            .WithDescription("The district office of the enterprise's district: a submitted need becomes confirmed and goes on the list for banks (409 otherwise). If-Match is required: the ETag of the version reviewed (428 without it or with *, 412 when the enterprise has edited the need since).")
            .WithAuthProblems().WithProblems(404, 409, 412, 428);

        group.MapPost("/{id}/return", Return)
            .RequireAuthorization(Policies.District)
            .WithName("ReturnFinancingNeed")
            .ProducesETag()
            .WithSummary("区县退回 (the district office sends it back)")
            .WithDescription("The district office of the enterprise's district, with a reason the enterprise sees; the enterprise edits the need to submit it again. Only submitted needs (409 otherwise). If-Match is optional and checked when sent.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 415);
        return app;
    }

    private static async Task<Created<FinancingNeedResponse>> Create(FinancingNeedRequest? request, ClaimsPrincipal user, FinancingStore store, HttpContext context, CancellationToken ct)
    {
        var need = await store.CreateAsync(user.GetActor(), user.GetKeyId(), request?.ToInput(), ct);
        context.Response.Headers.ETag = need.ETag;
        return TypedResults.Created($"/api/v1/financing-needs/{need.Id}", FinancingNeedResponse.From(need));
    }

    private static async Task<Ok<PagedList<FinancingNeedResponse>>> List(ClaimsPrincipal user, FinancingStore store, TaxonomyCatalog taxonomy,
        [CodeList(CodeList.FinancingStatuses)] string? status, [CodeList(CodeList.Districts)] string? district, [CodeList(CodeList.Directions)] string? direction,
        DateOnly? from, DateOnly? to, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        if (status is not null && !FinancingStatuses.Codes.Contains(status))
        {
            v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", FinancingStatuses.Codes)}).");
        }
        var filter = Filter(v, taxonomy, status, district, direction, from, to);
        var result = await store.ListAsync(user.GetActor(), filter, p, size, ct);
        return TypedResults.Ok(result.Map(FinancingNeedResponse.From));
    }

    private static async Task<FileStreamHttpResult> Export(ClaimsPrincipal user, FinancingStore store, TaxonomyCatalog taxonomy, TimeProvider clock,
        [CodeList(CodeList.TableFormats)] string? format, [CodeList(CodeList.Districts)] string? district, [CodeList(CodeList.Directions)] string? direction,
        DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var v = new Validator();
        var tableFormat = TableFormats.Parse(format, v);
        var filter = Filter(v, taxonomy, null, district, direction, from, to);
        var file = TempFiles.Create();
        try
        {
            var sheet = TableWriter.Sheet(FinancingExport.SheetName, FinancingExport.Columns(taxonomy), store.ConfirmedAsync(user.GetActor(), filter, ct));
            await TableWriter.WriteAsync(file, tableFormat, [sheet], null, ct);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        var name = $"financing-needs-{ChinaTime.Now(clock):yyyyMMdd}.{tableFormat.Code()}";
        return TypedResults.Stream(file, tableFormat.ContentType(), name);
    }

    private static FinancingFilter Filter(Validator v, TaxonomyCatalog taxonomy, string? status, string? district, string? direction, DateOnly? from, DateOnly? to)
    {
        TaxonomyChecks.OptionalDistrict(v, taxonomy, "district", district);
        TaxonomyChecks.OptionalDirection(v, taxonomy, "direction", direction);
        v.DayRange(from, to);
        v.ThrowIfAny();
        return new FinancingFilter(status, district, direction, from, to);
    }

    private static async Task<Ok<FinancingNeedResponse>> Get(Guid id, ClaimsPrincipal user, FinancingStore store, HttpContext context, CancellationToken ct) =>
        Respond(context, await store.GetAsync(user.GetActor(), id, ct));

    private static async Task<Ok<FinancingNeedResponse>> Update(Guid id, FinancingNeedRequest? request, ClaimsPrincipal user, FinancingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.UpdateAsync(user.GetActor(), user.GetKeyId(), id, ifMatch, request?.ToInput(), ct));

    private static async Task<Ok<FinancingNeedResponse>> Confirm(Guid id, ClaimsPrincipal user, FinancingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.ConfirmAsync(user.GetActor(), id, ifMatch, ct));

    private static async Task<Ok<FinancingNeedResponse>> Return(Guid id, ReturnFinancingRequest? request, ClaimsPrincipal user, FinancingStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct) =>
        Respond(context, await store.ReturnAsync(user.GetActor(), id, ifMatch, request?.Reason, ct));

    private static Ok<FinancingNeedResponse> Respond(HttpContext context, FinancingNeed need)
    {
        context.Response.Headers.ETag = need.ETag;
        return TypedResults.Ok(FinancingNeedResponse.From(need));
    }
}
