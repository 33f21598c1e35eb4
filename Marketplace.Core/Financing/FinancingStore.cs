using System.Runtime.CompilerServices;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Organizations;
using Marketplace.Core.Plans;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Financing;

/// <summary>
/// Financing needs (融资需求清单): an enterprise attaches one to its plan project or engagement, its district office
/// confirms it or sends it back with a reason; confirmed needs are exported for banks (长江渝融通). The enterprise sees
/// its own, a district office its district's, operators all; others get 404 (403 for lists).
/// </summary>
public sealed class FinancingStore(Database db, OrganizationStore organizations, PlanStore plans, PlanEngagements engagements, TimeProvider clock)
{
    public const long AmountLimitYuan = 100_000_000_000;
    public const int TermLimitMonths = 360;
    public const int TextMax = 1_000;
    public const int ExportBatch = 1_000;

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string District { get; init; } = "";
        public Guid? PlanProjectId { get; init; }
        public string? PlanProjectTitle { get; init; }
        public Guid? EngagementId { get; init; }
        public string Directions { get; init; } = "[]";
        public long AmountYuan { get; init; }
        public int TermMonths { get; init; }
        public string Purpose { get; init; } = "";
        public string ExpectedBenefits { get; init; } = "";
        public string Status { get; init; } = "";
        public string? ReturnReason { get; init; }
        public DateTimeOffset? ConfirmedAt { get; init; }
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public FinancingNeed ToNeed() => new(Id, EnterpriseId, EnterpriseName, District, PlanProjectId, PlanProjectTitle, EngagementId,
            ParseDirections(Directions), AmountYuan, TermMonths, Purpose, ExpectedBenefits, Status, ReturnReason, ConfirmedAt, RowVersion, CreatedAt, UpdatedAt);
    }

    private sealed record Valid(Guid? PlanProjectId, Guid? EngagementId, IReadOnlyList<string> Directions, long AmountYuan, int TermMonths, string Purpose, string ExpectedBenefits);

    public static IReadOnlyList<string> ParseDirections(string json) => JsonSerializer.Deserialize<string[]>(json, PlanStore.Json) ?? [];

    /// <param name="keyId">
    /// The API key the need comes with: not one the district office that confirms needs received to hand over when it
    /// registered the enterprise (409), or the office could submit a need as the enterprise and confirm it itself.
    /// </param>
    public async Task<FinancingNeed> CreateAsync(Actor actor, Guid keyId, FinancingNeedInput? input, CancellationToken ct)
    {
        if (!actor.Is(OrganizationKind.Enterprise))
        {
            throw new ForbiddenException("只有企业可以提出融资需求 (only enterprises submit financing needs).");
        }
        await organizations.RequireOwnKeyAsync(actor, keyId, "提交融资需求 (submit a financing need)", ct);
        var valid = await ValidateAsync(actor, input, ct);
        var enterprise = await organizations.GetAsync(actor.OrganizationId, ct);
        var id = Guid.NewGuid();
        await using (var c = await db.OpenAsync(ct))
        {
            await c.ExecuteAsync(db.Command(FinancingSql.Insert, Args(valid, new { Id = id, EnterpriseId = actor.OrganizationId, enterprise.District, Now = clock.GetUtcNow() }), ct: ct));
        }
        return await GetAsync(actor, id, ct);
    }

    public async Task<FinancingNeed> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var need = (await c.QuerySingleOrDefaultAsync<Row>(db.Command(FinancingSql.ById, new { Id = id }, ct: ct)))?.ToNeed();
        if (need is null || !await CanReadAsync(actor, need, ct))
        {
            throw NotFound(id);
        }
        return need;
    }

    private async Task<bool> CanReadAsync(Actor actor, FinancingNeed need, CancellationToken ct) => actor.Kind switch
    {
        OrganizationKind.Operator => true,
        OrganizationKind.Enterprise => need.EnterpriseId == actor.OrganizationId,
        OrganizationKind.District => need.District == await organizations.HomeDistrictAsync(actor, ct),
        _ => false,
    };

    public async Task<PagedList<FinancingNeed>> ListAsync(Actor actor, FinancingFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var args = await ArgsAsync(actor, filter, (page - 1) * pageSize, pageSize, ct);
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(db.Command(FinancingSql.Count, args, ct: ct));
        var rows = await c.QueryAsync<Row>(db.Command(db.Dialect.Page(FinancingSql.List), args, ct: ct));
        return new PagedList<FinancingNeed>(rows.Select(r => r.ToNeed()).ToArray(), page, pageSize, total);
    }

    /// <summary>The confirmed needs for banks, oldest confirmation first, read a batch at a time. Operators and district offices (their district) only.</summary>
    public async IAsyncEnumerable<FinancingExportRow> ConfirmedAsync(Actor actor, FinancingFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        if (!actor.IsOperator && !actor.Is(OrganizationKind.District))
        {
            throw new ForbiddenException("只有运营方和区县经信部门可以导出融资需求清单 (only operators and district offices export the list).");
        }
        for (var skip = 0; ; skip += ExportBatch)
        {
            var args = await ArgsAsync(actor, filter with { Status = FinancingStatuses.Confirmed }, skip, ExportBatch, ct);
            FinancingExportRow[] rows;
            await using (var c = await db.OpenAsync(ct))
            {
                rows = (await c.QueryAsync<FinancingExportRow>(db.Command(db.Dialect.Page(FinancingSql.Export), args, ct: ct))).ToArray();
            }
            foreach (var row in rows)
            {
                yield return row;
            }
            if (rows.Length < ExportBatch)
            {
                yield break;
            }
        }
    }

    /// <summary>The enterprise edits its need (If-Match required); an edit of a returned need resubmits it. Confirmed needs are final (409).</summary>
    public async Task<FinancingNeed> UpdateAsync(Actor actor, Guid keyId, Guid id, string? ifMatch, FinancingNeedInput? input, CancellationToken ct)
    {
        var need = await GetAsync(actor, id, ct);
        if (need.EnterpriseId != actor.OrganizationId)
        {
            throw new ForbiddenException("只有提出需求的企业可以修改 (only the enterprise edits its need).");
        }
        Preconditions.RequireIfMatch(ifMatch, "融资需求");
        Preconditions.CheckIfMatch(ifMatch, need.ETag, "融资需求");
        await organizations.RequireOwnKeyAsync(actor, keyId, "修改融资需求 (edit a financing need)", ct);
        var valid = await ValidateAsync(actor, input, ct);
        if (need.Status == FinancingStatuses.Confirmed)
        {
            throw new ConflictException("融资需求已确认，不能修改 (a confirmed need can't be edited).");
        }
        await using (var c = await db.OpenAsync(ct))
        {
            var affected = await c.ExecuteAsync(db.Command(FinancingSql.Update, Args(valid, new { Id = id, Now = clock.GetUtcNow(), ExpectedRowVersion = need.RowVersion }), ct: ct));
            if (affected == 0)
            {
                throw Changed();
            }
        }
        return await GetAsync(actor, id, ct);
    }

    public Task<FinancingNeed> ConfirmAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct) =>
        DecideAsync(actor, id, ifMatch, FinancingStatuses.Confirmed, null, ct);

    public Task<FinancingNeed> ReturnAsync(Actor actor, Guid id, string? ifMatch, string? reason, CancellationToken ct)
    {
        var v = new Validator();
        if (v.Required("reason", reason))
        {
            v.Text("reason", reason!.Trim(), TextMax);
        }
        v.ThrowIfAny();
        return DecideAsync(actor, id, ifMatch, FinancingStatuses.Returned, reason!.Trim(), ct);
    }

    private async Task<FinancingNeed> DecideAsync(Actor actor, Guid id, string? ifMatch, string status, string? reason, CancellationToken ct)
    {
        var need = await GetAsync(actor, id, ct);
        if (!actor.Is(OrganizationKind.District))
        {
            throw new ForbiddenException("只有企业所在区县的经信部门可以确认或退回 (only the enterprise's district office confirms or returns a need).");
        }
        // The enterprise may edit a submitted need: a confirmation names the version the district office reviewed, or it
        // could confirm an amount it never saw, and a confirmed need is final (it goes on the list for banks).
        if (status == FinancingStatuses.Confirmed && !Preconditions.NamesAVersion(ifMatch))
        {
            throw new PreconditionRequiredException("确认融资需求需要 If-Match 请求头，取自所审阅版本的 ETag（不接受 *） (If-Match with the ETag of the version you reviewed is required; * names no version).");
        }
        Preconditions.CheckIfMatch(ifMatch, need.ETag, "融资需求");
        if (need.Status != FinancingStatuses.Submitted)
        {
            throw new ConflictException($"融资需求当前状态为 {need.Status}，只有待确认的需求可以确认或退回 (only a submitted need can be confirmed or returned).");
        }
        if (status == FinancingStatuses.Confirmed && await EndedSinceSubmittedAsync(need, ct) is { } ended)
        {
            throw new ConflictException(ended);
        }
        var now = clock.GetUtcNow();
        await using (var c = await db.OpenAsync(ct))
        {
            var confirmed = status == FinancingStatuses.Confirmed;
            var affected = await c.ExecuteAsync(db.Command(FinancingSql.Decide, new
            {
                Id = id,
                Status = status,
                Reason = reason,
                ConfirmedBy = confirmed ? actor.OrganizationId : (Guid?)null,
                ConfirmedAt = confirmed ? now : (DateTimeOffset?)null,
                Now = now,
                ExpectedRowVersion = need.RowVersion,
            }, ct: ct));
            if (affected == 0)
            {
                throw Changed();
            }
        }
        return await GetAsync(actor, id, ct);
    }

    /// <summary>
    /// Why a need can no longer be confirmed: its project was abandoned, or its engagement ended without a project, after it
    /// was submitted (the banks' list holds live projects only, as a new need is checked); null while both are alive.
    /// </summary>
    private async Task<string?> EndedSinceSubmittedAsync(FinancingNeed need, CancellationToken ct)
    {
        if (need.PlanProjectId is { } projectId && await plans.FindAsync(projectId, ct) is { Status: PlanStatuses.Abandoned })
        {
            return "关联的计划项目已放弃，不能确认，请退回 (the plan project was abandoned since the need was submitted; return the need instead).";
        }
        if (need.EngagementId is { } engagementId && await engagements.FindForEnterpriseAsync(engagementId, need.EnterpriseId, ct) is { EndedWithoutProject: true })
        {
            return "关联的对接已结束且未验收，不能确认，请退回 (the engagement ended without a project since the need was submitted; return the need instead).";
        }
        return null;
    }

    private async Task<Valid> ValidateAsync(Actor actor, FinancingNeedInput? input, CancellationToken ct)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        IReadOnlyList<string> directions = [];
        if (input!.PlanProjectId is null == input.EngagementId is null)
        {
            v.Add("planProjectId", "需关联一个计划项目（planProjectId）或一个对接（engagementId），二选一 (attach the need to either a plan project or an engagement).");
        }
        else if (input.PlanProjectId is { } projectId)
        {
            var project = await plans.FindAsync(projectId, ct);
            if (project is null || project.EnterpriseId != actor.OrganizationId)
            {
                v.Add("planProjectId", "不是本企业的计划项目 (no plan project of your enterprise has this id; see GET /api/v1/plan-projects).");
            }
            else if (project.Status == PlanStatuses.Abandoned)
            {
                v.Add("planProjectId", "项目已放弃，不能提出融资需求 (the project was abandoned).");
            }
            else
            {
                directions = project.Directions;
            }
        }
        else if (await engagements.FindForEnterpriseAsync(input.EngagementId!.Value, actor.OrganizationId, ct) is { } engagement)
        {
            if (engagement.EndedWithoutProject)
            {
                v.Add("engagementId", "对接已结束且未验收（已拒绝、撤回或争议后关闭），不能提出融资需求 (the engagement ended without a project: declined, withdrawn, or closed after a dispute).");
            }
            directions = engagement.Directions;
        }
        else
        {
            v.Add("engagementId", "不是本企业的对接 (no engagement of your enterprise has this id).");
        }
        if (v.Required("amountYuan", input.AmountYuan))
        {
            v.Range("amountYuan", input.AmountYuan, 1, AmountLimitYuan);
        }
        if (v.Required("termMonths", input.TermMonths))
        {
            v.Range("termMonths", input.TermMonths, 1, TermLimitMonths);
        }
        var purpose = input.Purpose?.Trim();
        if (v.Required("purpose", purpose))
        {
            v.Text("purpose", purpose, TextMax);
        }
        var benefits = input.ExpectedBenefits?.Trim();
        if (v.Required("expectedBenefits", benefits))
        {
            v.Text("expectedBenefits", benefits, TextMax);
        }
        v.ThrowIfAny();
        return new Valid(input.PlanProjectId, input.EngagementId, directions, input.AmountYuan!.Value, input.TermMonths!.Value, purpose!, benefits!);
    }

    private async Task<object> ArgsAsync(Actor actor, FinancingFilter filter, int skip, int take, CancellationToken ct)
    {
        Guid? enterpriseId = null;
        var district = filter.District;
        switch (actor.Kind)
        {
            case OrganizationKind.Operator:
                break;
            case OrganizationKind.Enterprise:
                enterpriseId = actor.OrganizationId;
                break;
            case OrganizationKind.District:
                district = await organizations.HomeDistrictAsync(actor, filter.District, ct);
                break;
            default:
                throw new ForbiddenException("只有企业、区县经信部门和运营方可以查看融资需求 (only enterprises, district offices and operators see financing needs).");
        }
        return new
        {
            EnterpriseId = enterpriseId,
            District = district,
            filter.Status,
            DirectionPattern = PlanStore.DirectionPattern(filter.Direction),
            From = filter.From is { } from ? ChinaTime.StartOf(from) : (DateTimeOffset?)null,
            To = filter.To is { } to ? ChinaTime.EndOf(to) : (DateTimeOffset?)null,
            Skip = skip,
            Take = take,
        };
    }

    private static object Args(Valid valid, object extra)
    {
        var args = new DynamicParameters(extra);
        args.Add("PlanProjectId", valid.PlanProjectId);
        args.Add("EngagementId", valid.EngagementId);
        args.Add("Directions", JsonSerializer.Serialize(valid.Directions, PlanStore.Json));
        args.Add("AmountYuan", valid.AmountYuan);
        args.Add("TermMonths", valid.TermMonths);
        args.Add("Purpose", valid.Purpose);
        args.Add("ExpectedBenefits", valid.ExpectedBenefits);
        return args;
    }

    private static PreconditionFailedException Changed() => new("融资需求已被修改，请重新获取后再试 (the need changed meanwhile; fetch it again).");

    private static NotFoundException NotFound(Guid id) => new($"融资需求 {id} 不存在 (financing need not found).");
}
