using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Organizations;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Plans;

/// <summary>
/// District transformation plans (清单化管理): projects per enterprise and year with an audited status. A district
/// office manages its own district's projects; operators and the capability center read every district; an enterprise
/// reads its own projects. Anyone else gets 404 for a project and 403 for the list.
/// </summary>
public sealed class PlanStore(Database db, OrganizationStore organizations, TaxonomyCatalog taxonomy, TimeProvider clock)
{
    public const int TitleMax = 200;
    public const int DirectionsMax = 3;
    public const int DescriptionMax = 2_000;
    public const int ReasonMax = 1_000;
    public const int MinYear = Limits.FirstYear;
    public const int MaxYear = Limits.LastYear;
    public const long InvestmentLimitYuan = 100_000_000_000;
    public const int RollingYears = 5;
    public const int RollingItemsPerYear = 500;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string District { get; init; } = "";
        public int Year { get; init; }
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string Title { get; init; } = "";
        public string? Description { get; init; }
        public string Directions { get; init; } = "[]";
        public string SubDirections { get; init; } = "[]";
        public long PlannedInvestmentYuan { get; init; }
        public string PlannedStart { get; init; } = "";
        public string PlannedFinish { get; init; } = "";
        public string Status { get; init; } = "";
        public string? StatusReason { get; init; }
        public long? ActualInvestmentYuan { get; init; }
        public Guid? DiagnosisId { get; init; }
        public Guid? DemandListId { get; init; }
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        public PlanProject ToProject() => new(Id, District, Year, EnterpriseId, EnterpriseName, Title, Description,
            JsonSerializer.Deserialize<string[]>(Directions, Json) ?? [], JsonSerializer.Deserialize<string[]>(SubDirections, Json) ?? [],
            PlannedInvestmentYuan, ParseDate(PlannedStart), ParseDate(PlannedFinish), Status, StatusReason, ActualInvestmentYuan,
            DiagnosisId, DemandListId, RowVersion, CreatedAt, UpdatedAt);
    }

    private sealed record Valid(int Year, string Title, string? Description, IReadOnlyList<string> Directions, IReadOnlyList<string> SubDirections,
        long PlannedInvestmentYuan, DateOnly PlannedStart, DateOnly PlannedFinish);

    public async Task<PlanProject> CreateAsync(Actor actor, PlanProjectInput? input, CancellationToken ct)
    {
        var district = await RequireDistrictAsync(actor, ct);
        var v = new Validator();
        var valid = Validate(input, v);
        if (v.Required("enterpriseId", input?.EnterpriseId))
        {
            var enterprise = await organizations.FindAsync(input!.EnterpriseId!.Value, ct);
            if (enterprise is null || enterprise.Kind != OrganizationKind.Enterprise || enterprise.District != district)
            {
                v.Add("enterpriseId", $"不是本区县（{district}）登记的企业 (no enterprise of your district has this id; see GET /api/v1/organizations?kind=enterprise).");
            }
        }
        v.ThrowIfAny();
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(db.Command(PlanSql.Insert, Args(valid!, new
            {
                Id = id,
                District = district,
                EnterpriseId = input!.EnterpriseId!.Value,
                CreatedBy = actor.OrganizationId,
                Now = now,
            }), t, ct));
            await AuditAsync(c, t, id, null, PlanStatuses.Intent, null, actor, now, ct);
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    public async Task<PlanProject> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var project = await FindAsync(id, ct);
        if (project is null || !await CanReadAsync(actor, project, ct))
        {
            throw NotFound(id);
        }
        return project;
    }

    public async Task<PlanProject?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(PlanSql.ById, new { Id = id }, ct: ct));
        return row?.ToProject();
    }

    /// <summary>Operators and the capability center read every project; a district office its district's; an enterprise its own.</summary>
    public async Task<bool> CanReadAsync(Actor actor, PlanProject project, CancellationToken ct) => actor.Kind switch
    {
        OrganizationKind.Operator or OrganizationKind.CapabilityCenter => true,
        OrganizationKind.District => project.District == await organizations.HomeDistrictAsync(actor, ct),
        OrganizationKind.Enterprise => project.EnterpriseId == actor.OrganizationId,
        _ => false,
    };

    /// <summary>The filter narrowed to what <paramref name="actor"/> may see (403 for kinds that see no plan).</summary>
    public async Task<PlanFilter> ScopeAsync(Actor actor, PlanFilter filter, CancellationToken ct) => actor.Kind switch
    {
        OrganizationKind.Operator or OrganizationKind.CapabilityCenter => filter,
        OrganizationKind.District => filter with { District = await organizations.HomeDistrictAsync(actor, filter.District, ct) },
        OrganizationKind.Enterprise => filter.EnterpriseId is { } named && named != actor.OrganizationId
            ? throw new ForbiddenException("企业只能查看本企业的计划项目 (an enterprise sees only its own plan projects: leave out enterpriseId, or name your own).")
            : filter with { EnterpriseId = actor.OrganizationId },
        _ => throw new ForbiddenException("服务商和诊断机构不能查看区县计划 (integrators and assessors don't see district plans)."),
    };

    public async Task<PagedList<PlanProject>> ListAsync(Actor actor, PlanFilter filter, int page, int pageSize, CancellationToken ct)
    {
        var args = FilterArgs(await ScopeAsync(actor, filter, ct), (page - 1) * pageSize, pageSize);
        await using var c = await db.OpenAsync(ct);
        var total = await c.ExecuteScalarAsync<long>(db.Command(PlanSql.Count, args, ct: ct));
        var rows = await c.QueryAsync<Row>(db.Command(db.Dialect.Page(PlanSql.List), args, ct: ct));
        return new PagedList<PlanProject>(rows.Select(r => r.ToProject()).ToArray(), page, pageSize, total);
    }

    /// <summary>
    /// The five-year rolling plan (五年滚动计划) from <paramref name="fromYear"/>, grouped by year, and the district it covers
    /// (a district office's own, else the one asked for; null for all).
    /// </summary>
    public async Task<(string? District, IReadOnlyList<PlanYear> Years)> RollingAsync(Actor actor, string? district, int fromYear, CancellationToken ct)
    {
        var scope = await ScopeAsync(actor, new PlanFilter(district, null, fromYear, fromYear + RollingYears - 1, null, null, null), ct);
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(db.Command(PlanSql.List, FilterArgs(scope, 0, 0), ct: ct))).Select(r => r.ToProject()).ToArray();
        return (scope.District, Enumerable.Range(fromYear, RollingYears).Select(year =>
        {
            var items = rows.Where(p => p.Year == year).ToArray();
            return new PlanYear(year, items.Length, items.Select(p => p.EnterpriseId).Distinct().Count(),
                items.Where(p => p.Status != PlanStatuses.Abandoned).Sum(p => p.PlannedInvestmentYuan),
                PlanStatuses.Codes.ToDictionary(s => s, s => items.Count(p => p.Status == s)),
                items.Take(RollingItemsPerYear).ToArray(), items.Length > RollingItemsPerYear);
        }).ToArray());
    }

    public async Task<PlanProject> UpdateAsync(Actor actor, Guid id, string? ifMatch, PlanProjectInput? input, CancellationToken ct)
    {
        var project = await GetManagedAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "计划项目");
        Preconditions.CheckIfMatch(ifMatch, project.ETag, "计划项目");
        var v = new Validator();
        var valid = Validate(input, v);
        if (input?.EnterpriseId is { } enterpriseId && enterpriseId != project.EnterpriseId)
        {
            v.Add("enterpriseId", "计划项目的企业不能更改，请新建项目 (the enterprise of a project can't change; add a new project).");
        }
        v.ThrowIfAny();
        if (PlanStatuses.IsTerminal(project.Status))
        {
            throw new ConflictException($"项目状态为{PlanStatuses.Name(project.Status)}，不能修改 (a {project.Status} project can't be edited).");
        }
        var now = clock.GetUtcNow();
        await using (var c = await db.OpenAsync(ct))
        {
            var affected = await c.ExecuteAsync(db.Command(PlanSql.Update, Args(valid!, new { Id = id, Now = now, ExpectedRowVersion = project.RowVersion }), ct: ct));
            if (affected == 0)
            {
                throw Changed();
            }
        }
        return await GetAsync(actor, id, ct);
    }

    /// <summary>
    /// Moves a project's status. The next step needs nothing more; a jump over steps, a step back and abandoning need a
    /// reason; completing needs the actual investment. Every move is recorded with who made it and when.
    /// </summary>
    public async Task<PlanProject> MoveAsync(Actor actor, Guid id, string? ifMatch, PlanStatusMove? move, CancellationToken ct)
    {
        var project = await GetManagedAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, project.ETag, "计划项目");
        var v = new Validator();
        var target = move?.Status?.Trim();
        var reason = string.IsNullOrWhiteSpace(move?.Reason) ? null : move.Reason.Trim();
        v.Text("reason", reason, ReasonMax);
        if (v.Required("status", target) && !PlanStatuses.IsKnown(target))
        {
            v.Add("status", $"未知的状态 '{target}' (one of: {string.Join(", ", PlanStatuses.Codes)}).");
        }
        v.ThrowIfAny();
        if (PlanStatuses.IsTerminal(project.Status))
        {
            throw new ConflictException($"项目状态为{PlanStatuses.Name(project.Status)}，状态不能再变更 (a {project.Status} project's status is final).");
        }
        if (target == project.Status)
        {
            throw new ConflictException($"项目已是{PlanStatuses.Name(project.Status)} (the project is already {project.Status}).");
        }
        var from = PlanStatuses.IndexOf(project.Status);
        var to = PlanStatuses.IndexOf(target!);
        if (reason is null)
        {
            if (target == PlanStatuses.Abandoned)
            {
                v.Add("reason", "放弃项目需填写原因 (abandoning a project needs a reason).");
            }
            else if (PlanStatuses.Skipped(project.Status, target!) is { Count: > 0 } skipped)
            {
                v.Add("reason", $"从{PlanStatuses.Name(project.Status)}直接到{PlanStatuses.Name(target!)}跳过了{string.Join("、", skipped.Select(PlanStatuses.Name))}，需填写原因 " +
                    $"(a move from {project.Status} to {target} skips {string.Join(", ", skipped)}: give a reason).");
            }
            else if (to < from)
            {
                v.Add("reason", $"退回到{PlanStatuses.Name(target!)}需填写原因 (a step back to {target} needs a reason).");
            }
        }
        long? actual = project.ActualInvestmentYuan;
        if (target == PlanStatuses.Completed)
        {
            if (v.Required("actualInvestmentYuan", move!.ActualInvestmentYuan))
            {
                v.Range("actualInvestmentYuan", move.ActualInvestmentYuan, 0, InvestmentLimitYuan);
                actual = move.ActualInvestmentYuan;
            }
        }
        else if (move!.ActualInvestmentYuan is not null)
        {
            v.Add("actualInvestmentYuan", "只在状态变为 completed 时填写实际投资 (only when completing).");
        }
        v.ThrowIfAny();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            var affected = await c.ExecuteAsync(db.Command(PlanSql.Move, new
            {
                Id = id,
                Status = target,
                Reason = reason,
                ActualInvestmentYuan = actual,
                Now = now,
                ExpectedRowVersion = project.RowVersion,
            }, t, ct));
            if (affected == 0)
            {
                throw Changed();
            }
            await AuditAsync(c, t, id, project.Status, target!, reason, actor, now, ct);
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    public async Task<IReadOnlyList<PlanStatusEvent>> HistoryAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await GetAsync(actor, id, ct);
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<PlanStatusEvent>(db.Command(PlanSql.Events, new { ProjectId = id }, ct: ct))).ToArray();
    }

    /// <summary>Links a diagnosis to its project (in the caller's transaction).</summary>
    internal async Task LinkDiagnosisAsync(DbConnection c, DbTransaction t, Guid projectId, Guid diagnosisId, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(PlanSql.LinkDiagnosis, new { Id = projectId, DiagnosisId = diagnosisId, Now = now }, t, ct));

    /// <summary>
    /// A submitted diagnosis report links its demand list to the project and moves an 意向 project to 已诊断 (audited,
    /// by the assessor), in the caller's transaction.
    /// </summary>
    internal async Task LinkReportAsync(DbConnection c, DbTransaction t, Guid projectId, Guid demandListId, int version, Actor assessor,
        DateTimeOffset now, CancellationToken ct)
    {
        // Read with a lock in the submitting transaction: a project abandoned or completed meanwhile takes no report (nor its
        // list), and one being abandoned now waits for the report or is refused by its row version (SQL Server does not queue
        // writers as SQLite does, and would let this read see the status before the abandoning transaction commits).
        var status = await c.ExecuteScalarAsync<string>(db.Command(db.Dialect.PlanProjectStatusForUpdate, new { Id = projectId }, t, ct)) ?? PlanStatuses.Intent;
        if (PlanStatuses.IsTerminal(status))
        {
            throw TerminalProjectDiagnosed(status);
        }
        var advance = status == PlanStatuses.Intent;
        var reason = advance ? $"诊断报告第 {version} 版已提交 (diagnosis report version {version} submitted)" : null;
        await c.ExecuteAsync(db.Command(PlanSql.LinkDiagnosisReport, new
        {
            Id = projectId,
            DemandListId = demandListId,
            Status = advance ? PlanStatuses.Diagnosed : status,
            Reason = reason,
            Now = now,
        }, t, ct));
        if (advance)
        {
            await AuditAsync(c, t, projectId, status, PlanStatuses.Diagnosed, reason, assessor, now, ct);
        }
    }

    /// <summary>A diagnosis of a completed or abandoned project: nothing is assigned or submitted.</summary>
    public static ConflictException TerminalProjectDiagnosed(string status) =>
        new($"项目状态为{PlanStatuses.Name(status)}，不能再委托诊断或提交诊断报告 (a {status} project can't be diagnosed).");

    /// <summary>The project as its district office (or an operator) may change it; 404 for others who can't see it, 403 for readers.</summary>
    public async Task<PlanProject> GetManagedAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var project = await GetAsync(actor, id, ct);
        if (!actor.IsOperator && !actor.Is(OrganizationKind.District))
        {
            throw new ForbiddenException("只有本区县经信部门或运营方可以修改计划项目 (only the district office or an operator changes a plan project).");
        }
        return project;
    }

    private async Task<string> RequireDistrictAsync(Actor actor, CancellationToken ct)
    {
        if (!actor.Is(OrganizationKind.District))
        {
            throw new ForbiddenException("只有区县经信部门可以编制计划 (only district offices add plan projects).");
        }
        return await organizations.HomeDistrictAsync(actor, ct);
    }

    private Valid? Validate(PlanProjectInput? input, Validator v)
    {
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            return null;
        }
        if (v.Required("year", input.Year))
        {
            v.Range("year", input.Year, MinYear, MaxYear);
        }
        var title = input.Title?.Trim();
        if (v.Required("title", title))
        {
            v.Text("title", title, TitleMax);
        }
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        v.Text("description", description, DescriptionMax);
        var (directions, subDirections) = TaxonomyChecks.Directions(taxonomy, v, input.Directions, input.SubDirections, max: DirectionsMax);
        if (v.Required("plannedInvestmentYuan", input.PlannedInvestmentYuan))
        {
            v.Range("plannedInvestmentYuan", input.PlannedInvestmentYuan, 0, InvestmentLimitYuan);
        }
        if (v.Required("plannedStart", input.PlannedStart))
        {
            WithinPlanYears(v, "plannedStart", input.PlannedStart!.Value);
        }
        if (v.Required("plannedFinish", input.PlannedFinish))
        {
            WithinPlanYears(v, "plannedFinish", input.PlannedFinish!.Value);
            if (input.PlannedStart is { } start && input.PlannedFinish < start)
            {
                v.Add("plannedFinish", "计划完成日期不能早于计划开工日期 (must not be before plannedStart).");
            }
        }
        return v.IsValid
            ? new Valid(input.Year!.Value, title!, description, directions, subDirections, input.PlannedInvestmentYuan!.Value, input.PlannedStart!.Value, input.PlannedFinish!.Value)
            : null;
    }

    /// <summary>A plan's dates lie in the years plans may have (0001-01-01 is a client's default, not a date).</summary>
    private static void WithinPlanYears(Validator v, string field, DateOnly date)
    {
        if (date.Year is < MinYear or > MaxYear)
        {
            v.Add(field, $"应在 {MinYear} 到 {MaxYear} 年之间 (must lie between {MinYear} and {MaxYear}).");
        }
    }

    private static object Args(Valid valid, object extra)
    {
        var args = new DynamicParameters(extra);
        args.Add("Year", valid.Year);
        args.Add("Title", valid.Title);
        args.Add("Description", valid.Description);
        args.Add("Direction", valid.Directions[0]);
        args.Add("Directions", JsonSerializer.Serialize(valid.Directions, Json));
        args.Add("SubDirections", JsonSerializer.Serialize(valid.SubDirections, Json));
        args.Add("PlannedInvestmentYuan", valid.PlannedInvestmentYuan);
        args.Add("PlannedStart", FormatDate(valid.PlannedStart));
        args.Add("PlannedFinish", FormatDate(valid.PlannedFinish));
        return args;
    }

    internal static object FilterArgs(PlanFilter f, int skip, int take) => new
    {
        f.District,
        f.Year,
        f.FromYear,
        f.ToYear,
        f.Status,
        f.EnterpriseId,
        DirectionPattern = DirectionPattern(f.Direction),
        Skip = skip,
        Take = take,
    };

    /// <summary>LIKE pattern for one direction code inside a stored JSON array of codes.</summary>
    public static string? DirectionPattern(string? direction) => direction is null ? null : $"%\"{direction}\"%";

    private async Task AuditAsync(DbConnection c, DbTransaction t, Guid projectId, string? from, string to, string? reason, Actor actor, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(PlanSql.InsertEvent, new
        {
            ProjectId = projectId,
            FromStatus = from,
            ToStatus = to,
            Reason = reason,
            ActorId = actor.OrganizationId,
            ActorKind = actor.Kind.ToCode(),
            Now = now,
        }, t, ct));

    public static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static PreconditionFailedException Changed() => new("计划项目已被他人修改，请重新获取后再试 (the project changed meanwhile; fetch it again).");

    private static NotFoundException NotFound(Guid id) => new($"计划项目 {id} 不存在 (plan project not found).");
}
