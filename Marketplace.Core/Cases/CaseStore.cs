using System.Data.Common;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Engagements;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Cases;

/// <summary>
/// The case library (案例库). A case is made from an engagement that passed 验收, by either party; it reaches the library
/// only with both parties' consent and an operator's approval (like offerings), and leaves it as soon as either party
/// revokes its consent. Published cases are searched with the offering index's Chinese analysis (<see cref="ITextAnalysis"/>):
/// their analysed terms are written to <c>case_terms</c> in the transaction that publishes them, so the library needs
/// no second index, no outbox and no rebuild, and filters (direction, item, district, industry) are plain SQL.
/// </summary>
public sealed class CaseStore(Database db, EngagementStore engagements, ITextAnalysis analysis, Thesaurus thesaurus, TaxonomyCatalog taxonomy, TimeProvider clock,
    Webhooks.WebhookOutbox? webhooks = null)
{
    public const int TitleMax = 100;
    public const int SummaryMax = 2_000;
    public const int MaxQueryTerms = 64;
    public const int ReasonMax = 1_000;

    /// <summary>Field weights of the indexed text: the title counts double.</summary>
    private const float TitleWeight = 2f;

    /// <summary>A case must cover at least this share of the query's weight to be a hit (bigram noise stays out).</summary>
    private const double MinCoverage = 0.15;

    /// <summary>The least a query word counts for in coverage, however many cases hold it (the idf of a word in about 60 % of them).</summary>
    private const double MinIdf = 0.5;

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid EngagementId { get; init; }
        public Guid OfferingId { get; init; }
        public Guid RevisionId { get; init; }
        public string OfferingTitle { get; init; } = "";
        public Guid IntegratorId { get; init; }
        public string IntegratorName { get; init; } = "";
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public bool Named { get; init; }
        public string Status { get; init; } = "";
        public string Title { get; init; } = "";
        public string Summary { get; init; } = "";
        public string Directions { get; init; } = "";
        public string SubDirections { get; init; } = "";
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public DateTimeOffset? IntegratorConsentAt { get; init; }
        public DateTimeOffset? EnterpriseConsentAt { get; init; }
        public string? RejectReason { get; init; }
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }
        public int? PlannedDays { get; init; }
        public int? ActualDays { get; init; }

        public Case ToCase(IReadOnlyList<Outcome> outcomes, IReadOnlyList<CaseEvent> history, double? score = null) => new()
        {
            Id = Id, EngagementId = EngagementId, OfferingId = OfferingId, RevisionId = RevisionId, OfferingTitle = OfferingTitle,
            IntegratorId = IntegratorId, IntegratorName = IntegratorName, EnterpriseId = EnterpriseId, EnterpriseName = EnterpriseName, Named = Named,
            Status = Status, Title = Title, Summary = Summary, Directions = Split(Directions), SubDirections = Split(SubDirections),
            District = District, Industry = Industry, IntegratorConsentAt = IntegratorConsentAt, EnterpriseConsentAt = EnterpriseConsentAt,
            RejectReason = RejectReason, RowVersion = RowVersion, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt, PublishedAt = PublishedAt,
            PlannedDays = PlannedDays, ActualDays = ActualDays, Outcomes = outcomes, History = history, Score = score,
        };
    }

    private sealed class PostingRow
    {
        public Guid CaseId { get; init; }
        public string Term { get; init; } = "";
        public double Weight { get; init; }
    }

    private sealed class DfRow
    {
        public string Term { get; init; } = "";
        public long Df { get; init; }
    }

    /// <summary>Codes kept as ",a,b," so that one LIKE finds a code on both engines.</summary>
    private static string Join(IEnumerable<string> codes) => "," + string.Join(",", codes) + ",";

    private static IReadOnlyList<string> Split(string joined) => joined.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public async Task<Case> CreateAsync(Actor actor, NewCase? input, CancellationToken ct)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        v.Required("engagementId", input!.EngagementId);
        var (title, summary) = ValidateText(input.Title, input.Summary, v);
        v.ThrowIfAny();
        var engagement = await engagements.GetAsync(actor, input.EngagementId!.Value, ct);
        var party = engagement.PartyOf(actor);
        if (party is not (EngagementParty.Enterprise or EngagementParty.Integrator))
        {
            throw new ForbiddenException("只有对接双方可以申报案例 (only the engagement's parties make a case of it).");
        }
        if (party == EngagementParty.Integrator && input.Named is not null)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["named"] = ["是否公开企业名称由企业决定 (only the enterprise decides whether it is named)."] });
        }
        if (engagement.VerifiedAt is null)
        {
            throw new ConflictException($"只有验收通过的对接可以成为案例，当前状态 {engagement.Status.ToCode()} (only an engagement that passed 验收 becomes a case).");
        }
        string content;
        await using (var c = await db.OpenAsync(ct))
        {
            if (await c.ExecuteScalarAsync<Guid?>(db.Command(CaseSql.ExistsForEngagement, new { EngagementId = engagement.Id }, ct: ct)) is { } existing)
            {
                throw new ConflictException($"该对接已有案例 {existing} (this engagement already has a case: {existing}).");
            }
            content = await c.ExecuteScalarAsync<string>(db.Command(CaseSql.EngagementRevision, new { EngagementId = engagement.Id }, ct: ct)) ?? "{}";
        }
        var offering = OfferingStore.Deserialize(content);
        var subDirections = offering.SubDirections;
        var directions = offering.Directions.Concat(subDirections.Select(s => taxonomy.FindSubDirection(s)?.DirectionCode).OfType<string>()).Distinct().ToArray();
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            await c.ExecuteAsync(db.Command(CaseSql.Insert, new
            {
                Id = id, EngagementId = engagement.Id, engagement.OfferingId, engagement.RevisionId, engagement.IntegratorId, engagement.EnterpriseId,
                Title = title, Summary = summary, Named = party == EngagementParty.Enterprise && input.Named == true,
                Directions = Join(directions), SubDirections = Join(subDirections), District = engagement.EnterpriseDistrict, Industry = engagement.EnterpriseIndustry,
                IntegratorConsentAt = party == EngagementParty.Integrator ? now : (DateTimeOffset?)null,
                EnterpriseConsentAt = party == EngagementParty.Enterprise ? now : (DateTimeOffset?)null,
                Now = now,
            }, t, ct));
            await AuditAsync(c, t, id, "created", actor, "创建方同意公开 (the creating party consents)", now, ct);
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>A published case is public; others are visible to the two parties and operators (404 otherwise).</summary>
    public async Task<Case> GetAsync(Actor? actor, Guid id, CancellationToken ct)
    {
        var found = await FindAsync(id, ct);
        if (found is null || !(found.Status == CaseStatuses.Published || (actor is not null && (actor.IsOperator || found.IsParty(actor)))))
        {
            throw new NotFoundException($"案例 {id} 不存在 (case not found).");
        }
        return found;
    }

    private async Task<Case?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(CaseSql.ById, new { Id = id }, ct: ct));
        if (row is null)
        {
            return null;
        }
        var history = (await c.QueryAsync<CaseEvent>(db.Command(CaseSql.Events, new { CaseId = id }, ct: ct))).ToArray();
        var outcomes = await engagements.OutcomesAsync([row.EngagementId], ct);
        return row.ToCase(outcomes[row.EngagementId].ToArray(), history);
    }

    /// <summary>Parties edit a draft; the other party's consent is withdrawn (it consented to other words).</summary>
    public async Task<Case> UpdateAsync(Actor actor, Guid id, string? ifMatch, CaseEdit? input, CancellationToken ct)
    {
        var found = await PartyCaseAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "案例");
        Preconditions.CheckIfMatch(ifMatch, found.ETag, "案例");
        var v = new Validator();
        var (title, summary) = ValidateText(input?.Title, input?.Summary, v);
        v.ThrowIfAny();
        if (found.Status != CaseStatuses.Draft)
        {
            throw new ConflictException($"案例当前状态为 {found.Status}，只有草稿可以修改；已发布的案例请先撤回同意 (only drafts are edited; revoke consent to take a published case back to draft).");
        }
        var isIntegrator = actor.OrganizationId == found.IntegratorId;
        var next = found with
        {
            Title = title,
            Summary = summary,
            IntegratorConsentAt = isIntegrator ? found.IntegratorConsentAt : null,
            EnterpriseConsentAt = isIntegrator ? null : found.EnterpriseConsentAt,
        };
        return await ChangeAsync(actor, found, next, "edited", null, ct);
    }

    /// <summary>A party consents to publishing the draft as it stands; with both consents it goes to review.</summary>
    public async Task<Case> ConsentAsync(Actor actor, Guid id, string? ifMatch, bool? named, CancellationToken ct)
    {
        var found = await PartyCaseAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, found.ETag, "案例");
        var isIntegrator = actor.OrganizationId == found.IntegratorId;
        if (isIntegrator && named is not null)
        {
            throw new ValidationException(new Dictionary<string, string[]> { ["named"] = ["是否公开企业名称由企业决定 (only the enterprise decides whether it is named)."] });
        }
        if (found.Status != CaseStatuses.Draft)
        {
            throw new ConflictException($"案例当前状态为 {found.Status}，无需再次同意 (the case is {found.Status}; consent is given on drafts).");
        }
        var consentedAt = isIntegrator ? found.IntegratorConsentAt : found.EnterpriseConsentAt;
        if (consentedAt is not null && (isIntegrator || named is null || named == found.Named))
        {
            return found; // consenting again changes nothing: the first consent's time stands
        }
        var now = consentedAt ?? clock.GetUtcNow();
        var next = isIntegrator
            ? found with { IntegratorConsentAt = now }
            : found with { EnterpriseConsentAt = now, Named = named ?? found.Named };
        var both = next.IntegratorConsentAt is not null && next.EnterpriseConsentAt is not null;
        next = next with { Status = both ? CaseStatuses.Submitted : CaseStatuses.Draft };
        return await ChangeAsync(actor, found, next, "consented",
            (isIntegrator ? "服务商同意公开" : next.Named ? "企业同意公开（具名）" : "企业同意公开（匿名）") + (both ? "，提交审核" : ""), ct);
    }

    /// <summary>A party withdraws its consent at any time: the case leaves the library (or the review queue) and is a draft again.</summary>
    public async Task<Case> RevokeConsentAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var found = await PartyCaseAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, found.ETag, "案例");
        var isIntegrator = actor.OrganizationId == found.IntegratorId;
        if ((isIntegrator ? found.IntegratorConsentAt : found.EnterpriseConsentAt) is null)
        {
            throw new ConflictException("贵方尚未同意公开该案例 (you have not consented to this case).");
        }
        var next = found with
        {
            Status = CaseStatuses.Draft,
            PublishedAt = null,
            IntegratorConsentAt = isIntegrator ? null : found.IntegratorConsentAt,
            EnterpriseConsentAt = isIntegrator ? found.EnterpriseConsentAt : null,
        };
        return await ChangeAsync(actor, found, next, "revoked", found.Status == CaseStatuses.Published ? "撤回同意，案例下架" : "撤回同意", ct);
    }

    public async Task<Case> ApproveAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var found = await ForReviewAsync(actor, id, ifMatch, ct);
        return await ChangeAsync(actor, found, found with { Status = CaseStatuses.Published, PublishedAt = clock.GetUtcNow(), RejectReason = null }, "approved", null, ct);
    }

    /// <summary>Back to draft with the reason; both consents are cleared, since the parties will change the text.</summary>
    public async Task<Case> RejectAsync(Actor actor, Guid id, string? ifMatch, string? reason, CancellationToken ct)
    {
        var v = new Validator();
        reason = reason?.Trim();
        if (v.Required("reason", reason))
        {
            v.Text("reason", reason, ReasonMax);
        }
        v.ThrowIfAny();
        var found = await ForReviewAsync(actor, id, ifMatch, ct);
        return await ChangeAsync(actor, found, found with
        {
            Status = CaseStatuses.Draft, RejectReason = reason, IntegratorConsentAt = null, EnterpriseConsentAt = null,
        }, "rejected", reason, ct);
    }

    private async Task<Case> ForReviewAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        if (!actor.IsOperator)
        {
            throw new ForbiddenException("只有运营方可以审核案例 (only operators review cases).");
        }
        var found = await GetAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, found.ETag, "案例");
        if (found.Status != CaseStatuses.Submitted)
        {
            throw new ConflictException($"案例当前状态为 {found.Status}，只有双方同意后提交的案例可以审核 (only submitted cases are reviewed).");
        }
        return found;
    }

    private async Task<Case> PartyCaseAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var found = await GetAsync(actor, id, ct);
        if (!found.IsParty(actor))
        {
            throw new ForbiddenException("只有对接双方可以修改或同意案例 (only the engagement's parties do this).");
        }
        return found;
    }

    private async Task<Case> ChangeAsync(Actor actor, Case found, Case next, string action, string? detail, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var terms = next.Status == CaseStatuses.Published ? IndexTerms(next) : [];
        await db.InTransactionAsync(async (c, t) =>
        {
            var affected = await c.ExecuteAsync(db.Command(CaseSql.Change, new
            {
                found.Id, next.Status, next.Title, next.Summary, next.Named, next.IntegratorConsentAt, next.EnterpriseConsentAt, next.RejectReason,
                next.PublishedAt, Now = now, ExpectedRowVersion = found.RowVersion,
            }, t, ct));
            if (affected == 0)
            {
                throw new PreconditionFailedException("案例已被修改，请重新获取后再试 (the case changed meanwhile; fetch it again).");
            }
            // The library's terms follow the status in the same transaction: only published cases are found.
            await c.ExecuteAsync(db.Command(CaseSql.DeleteTerms, new { CaseId = found.Id }, t, ct));
            if (terms.Count > 0)
            {
                await c.ExecuteAsync(db.Command(CaseSql.InsertTerm, terms.Select(term => new { CaseId = found.Id, term.Term, Weight = (double)term.Weight }).ToArray(), t, ct));
            }
            await AuditAsync(c, t, found.Id, action, actor, detail, now, ct);
            if (webhooks is not null && action is "approved" or "rejected")
            {
                var data = new Webhooks.ReviewDecidedData("case", found.Id, next.Title, action, action == "rejected" ? detail : null);
                await webhooks.RecordAsync(c, t, Webhooks.WebhookAudience.Of(found.IntegratorId, found.EnterpriseId), Webhooks.WebhookEventTypes.ReviewDecided,
                    (id, organization) => new Webhooks.ReviewDecidedEvent(id, Webhooks.WebhookEventTypes.ReviewDecided, now, organization, data), now, ct);
            }
        }, ct);
        return await GetAsync(actor, found.Id, ct);
    }

    /// <summary>The case's searchable text: title (double weight), story, the offering's title, outcomes, items, industry, district.</summary>
    private IReadOnlyList<AnalyzedTerm> IndexTerms(Case k)
    {
        var terms = new Dictionary<string, float>(StringComparer.Ordinal);
        void Add(string? text, float weight)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return;
            }
            foreach (var term in analysis.Terms(text))
            {
                terms[term.Term] = Math.Max(terms.GetValueOrDefault(term.Term), term.Weight * weight);
            }
        }
        Add(k.Title, TitleWeight);
        Add(k.Summary, 1);
        Add(k.OfferingTitle, 1);
        Add(string.Join("，", k.Outcomes.Select(o => o.Metric)), 1);
        Add(string.Join("，", k.SubDirections.Select(s => taxonomy.FindSubDirection(s)?.Name)), 1);
        Add(k.Industry, 1);
        Add(k.District, 1);
        return terms.Select(t => new AnalyzedTerm(t.Key, t.Value)).ToArray();
    }

    /// <summary>
    /// Published cases matching the query. With text: the query's terms (plus the thesaurus expansion the offering search
    /// applies, at its weights) are looked up in <c>case_terms</c>; a case scores Σ query weight × term weight × idf over
    /// the query's total, so 1 means every query term matched at full weight. Without text: newest first.
    /// </summary>
    public async Task<PagedList<Case>> SearchAsync(CaseQuery query, int page, int pageSize, CancellationToken ct)
    {
        var args = new DynamicParameters(new
        {
            DirectionPattern = Pattern(query.Direction, exact: true),
            SubDirectionPattern = Pattern(query.SubDirection, exact: true),
            query.District,
            IndustryPattern = Pattern(query.Industry, exact: false),
            query.OfferingId,
            Skip = (page - 1) * pageSize,
            Take = pageSize,
        });
        await using var c = await db.OpenAsync(ct);
        if (string.IsNullOrWhiteSpace(query.Text))
        {
            var total = await c.ExecuteScalarAsync<long>(db.Command(CaseSql.CountBrowse, args, ct: ct));
            var rows = (await c.QueryAsync<Row>(db.Command(db.Dialect.Page(CaseSql.Browse), args, ct: ct))).ToArray();
            return new PagedList<Case>(await WithOutcomesAsync(rows, null, ct), page, pageSize, total);
        }
        var (weights, own) = QueryTerms(query.Text);
        var termList = weights.Keys.ToArray();
        args.Add("Terms", termList);
        var postings = (await c.QueryAsync<PostingRow>(db.Command(CaseSql.Postings, args, ct: ct))).ToArray();
        var df = (await c.QueryAsync<DfRow>(db.Command(CaseSql.DocumentFrequencies, new { Terms = termList }, ct: ct))).ToDictionary(r => r.Term, r => r.Df);
        var n = await c.ExecuteScalarAsync<long>(db.Command(CaseSql.PublishedCount, ct: ct));
        // The query's own words are floored: in a library where (nearly) every case holds a word, BM25's idf of it tends to 0,
        // and a case matching all such words would fall below MinCoverage beside one query bigram no case holds (a library of
        // welding cases, searched for 焊接机器人). Thesaurus terms keep their plain idf: a common one must not carry a case alone.
        var ownTerms = own.ToHashSet();
        double Idf(string term)
        {
            var idf = Math.Log(1 + (n - df.GetValueOrDefault(term) + 0.5) / (df.GetValueOrDefault(term) + 0.5));
            return ownTerms.Contains(term) ? Math.Max(MinIdf, idf) : idf;
        }
        // Coverage is measured against the query's own terms; thesaurus terms can only add to it (capped at 1).
        var possible = own.Sum(term => weights[term] * Idf(term));
        var scores = postings.GroupBy(p => p.CaseId)
            .Select(g => (Id: g.Key, Score: possible <= 0 ? 0 : Math.Min(1, g.Sum(p => weights[p.Term] * DocumentFactor(p.Weight) * Idf(p.Term)) / possible)))
            .Where(s => s.Score >= MinCoverage)
            .OrderByDescending(s => s.Score).ThenBy(s => s.Id)
            .ToArray();
        var pageIds = scores.Skip((page - 1) * pageSize).Take(pageSize).ToArray();
        var found = pageIds.Length == 0 ? [] : (await c.QueryAsync<Row>(db.Command(CaseSql.ByIds, new { Ids = DapperTypeHandlers.ListParameter(pageIds.Select(s => s.Id)) }, ct: ct))).ToArray();
        var byId = found.ToDictionary(r => r.Id);
        var ordered = pageIds.Where(s => byId.ContainsKey(s.Id)).Select(s => byId[s.Id]).ToArray();
        var scoreOf = pageIds.ToDictionary(s => s.Id, s => Math.Round(s.Score, 4));
        return new PagedList<Case>(await WithOutcomesAsync(ordered, scoreOf, ct), page, pageSize, scores.Length);
    }

    /// <summary>A term in the title counts fully, in the story three quarters (bigrams a little less: their weight is half a word's).</summary>
    private static double DocumentFactor(double weight) => Math.Min(1, 0.5 + 0.25 * weight);

    /// <summary>
    /// The query's terms with their weights: its own words and bigrams (<c>Own</c>), then the thesaurus expansion
    /// (problem phrase → the items that solve it) at the expansion's weight, up to <see cref="MaxQueryTerms"/> in all.
    /// </summary>
    private (Dictionary<string, double> Weights, IReadOnlyList<string> Own) QueryTerms(string text)
    {
        var weights = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(string phrase, double weight)
        {
            foreach (var term in analysis.Terms(phrase))
            {
                if (weights.Count < MaxQueryTerms || weights.ContainsKey(term.Term))
                {
                    weights[term.Term] = Math.Max(weights.GetValueOrDefault(term.Term), term.Weight * weight);
                }
            }
        }
        Add(text, 1);
        var own = weights.Keys.ToArray();
        foreach (var expansion in thesaurus.Expand(text).OrderByDescending(e => e.Weight))
        {
            Add(expansion.Term, expansion.Weight);
        }
        return (weights, own);
    }

    /// <summary>The published cases of an offering with their outcome figures (its page lists them).</summary>
    public async Task<IReadOnlyList<Case>> OfOfferingAsync(Guid offeringId, int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = (await c.QueryAsync<Row>(db.Command(db.Dialect.Page(CaseSql.OfOffering), new { OfferingId = offeringId, Skip = 0, Take = take }, ct: ct))).ToArray();
        return await WithOutcomesAsync(rows, null, ct);
    }

    /// <summary>Operators see every case (filter by status: the review queue is <c>submitted</c>); parties see theirs.</summary>
    public async Task<PagedList<Case>> ListAsync(Actor actor, string? status, int page, int pageSize, CancellationToken ct)
    {
        if (actor.Kind is not (OrganizationKind.Operator or OrganizationKind.Integrator or OrganizationKind.Enterprise))
        {
            throw new ForbiddenException("请使用 GET /api/v1/cases/search 查看已发布案例 (use the case library search).");
        }
        await using var c = await db.OpenAsync(ct);
        var args = new { PartyId = actor.IsOperator ? (Guid?)null : actor.OrganizationId, Status = status, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(CaseSql.Count, args, ct: ct));
        var rows = (await c.QueryAsync<Row>(db.Command(db.Dialect.Page(CaseSql.List), args, ct: ct))).ToArray();
        return new PagedList<Case>(await WithOutcomesAsync(rows, null, ct), page, pageSize, total);
    }

    private async Task<IReadOnlyList<Case>> WithOutcomesAsync(IReadOnlyList<Row> rows, IReadOnlyDictionary<Guid, double>? scores, CancellationToken ct)
    {
        var outcomes = await engagements.OutcomesAsync(rows.Select(r => r.EngagementId).ToArray(), ct);
        return rows.Select(r => r.ToCase(outcomes[r.EngagementId].ToArray(), [], scores?.GetValueOrDefault(r.Id))).ToArray();
    }

    /// <summary>A LIKE pattern: a code between the commas of a joined list, or a substring of free text.</summary>
    private static string? Pattern(string? value, bool exact)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var escaped = value.Trim().Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_").Replace("[", @"\[");
        return exact ? $"%,{escaped},%" : $"%{escaped}%";
    }

    private static (string Title, string Summary) ValidateText(string? title, string? summary, Validator v)
    {
        title = title?.Trim();
        summary = summary?.Trim();
        if (v.Required("title", title))
        {
            v.Text("title", title, TitleMax);
        }
        if (v.Required("summary", summary))
        {
            v.Text("summary", summary, SummaryMax);
        }
        return (title ?? "", summary ?? "");
    }

    private async Task AuditAsync(DbConnection c, DbTransaction t, Guid caseId, string action, Actor actor, string? detail, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(CaseSql.InsertEvent, new
        {
            CaseId = caseId, Action = action, ActorId = actor.OrganizationId, ActorKind = actor.Kind.ToCode(), Detail = detail, Now = now,
        }, t, ct));
}
