using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Engagements;

/// <summary>The enterprise's rating of a verified engagement: 1–5 on quality, timeliness and value, with an optional comment.</summary>
public sealed record Rating
{
    public Guid EngagementId { get; init; }
    public Guid IntegratorId { get; init; }
    public Guid EnterpriseId { get; init; }
    public int Quality { get; init; }
    public int Timeliness { get; init; }
    public int Value { get; init; }
    public string? Comment { get; init; }
    public DateTimeOffset? CommentHiddenAt { get; init; }
    public string? CommentHiddenReason { get; init; }
    public int RowVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The enterprise as the public sees it: named only when it opted in (discloseName), else district and industry.</summary>
    public string? EnterpriseName { get; init; }
    public string EnterpriseDistrict { get; init; } = "";
    public string? EnterpriseIndustry { get; init; }

    public string ETag => $"\"{RowVersion}\"";

    public bool CommentHidden => CommentHiddenAt is not null;
}

public sealed record RatingInput(int? Quality, int? Timeliness, int? Value, string? Comment);

/// <summary>An average with the number of values it is taken over (null average when there are none).</summary>
public sealed record Average(double? Value, long Count);

/// <summary>A share in 0–1 with the number of engagements it is taken over (null share when there are none).</summary>
public sealed record Share(double? Value, long Count);

/// <summary>What the public learns about an integrator from its verified work.</summary>
public sealed record IntegratorProfile(
    Guid IntegratorId,
    string Name,
    string District,
    long PublishedOfferings,
    long CompletedEngagements,
    Average Quality,
    Average Timeliness,
    Average Value,
    Average Overall,
    Share OnTime,
    Share CostOverrun,
    long PublishedCases);

/// <summary>
/// Ratings tied to verified work: only the enterprise of an engagement that passed 验收 rates it, once, and may edit the
/// rating for <see cref="EditWindow"/> after giving it; operators hide an abusive comment with a reason (the scores stay).
/// </summary>
public sealed class RatingStore(Database db, EngagementStore engagements, TimeProvider clock)
{
    public static readonly TimeSpan EditWindow = TimeSpan.FromDays(30);
    public const int CommentMax = 1_000;
    public const int HideReasonMax = 500;

    private sealed class StatsRow
    {
        public long Completed { get; init; }
        public long Timed { get; init; }
        public long OnTime { get; init; }
        public long Costed { get; init; }
        public long Overrun { get; init; }
    }

    private sealed class RatingStatsRow
    {
        public long Count { get; init; }
        public double? Quality { get; init; }
        public double? Timeliness { get; init; }
        public double? Value { get; init; }
    }

    private sealed class IntegratorRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public string District { get; init; } = "";
        public long PublishedOfferings { get; init; }
        public long PublishedCases { get; init; }
    }

    public async Task<Rating> CreateAsync(Actor actor, Guid engagementId, RatingInput? input, CancellationToken ct)
    {
        var engagement = await RatableAsync(actor, engagementId, ct);
        var (quality, timeliness, value, comment) = Validate(input);
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            if (await c.ExecuteScalarAsync<long>(db.Command(RatingSql.Exists, new { EngagementId = engagementId }, t, ct)) > 0)
            {
                throw new ConflictException("该对接已评价过，可在 30 天内修改 (this engagement is rated already; edit it with PUT within 30 days).");
            }
            await c.ExecuteAsync(db.Command(RatingSql.Insert, new
            {
                EngagementId = engagementId, engagement.IntegratorId, engagement.EnterpriseId, Quality = quality, Timeliness = timeliness, Value = value,
                Comment = comment, Now = now,
            }, t, ct));
        }, ct);
        return (await FindAsync(engagementId, ct))!;
    }

    public async Task<Rating> UpdateAsync(Actor actor, Guid engagementId, string? ifMatch, RatingInput? input, CancellationToken ct)
    {
        await RatableAsync(actor, engagementId, ct);
        var rating = await FindAsync(engagementId, ct) ?? throw new NotFoundException($"对接 {engagementId} 尚未评价 (this engagement has no rating yet; POST one).");
        Preconditions.RequireIfMatch(ifMatch, "评价");
        Preconditions.CheckIfMatch(ifMatch, rating.ETag, "评价");
        var now = clock.GetUtcNow();
        if (now > rating.CreatedAt + EditWindow)
        {
            throw new ConflictException($"评价只能在给出后 30 天内修改（截止 {rating.CreatedAt + EditWindow:yyyy-MM-dd}） (a rating can be edited for 30 days after it was given).");
        }
        var (quality, timeliness, value, comment) = Validate(input);
        // A new comment stands on its own: an earlier hidden one does not hide it (an operator may hide it again).
        var commentChanged = comment != rating.Comment;
        await using var c = await db.OpenAsync(ct);
        var affected = await c.ExecuteAsync(db.Command(RatingSql.Update, new
        {
            EngagementId = engagementId, Quality = quality, Timeliness = timeliness, Value = value, Comment = comment,
            KeepHidden = commentChanged ? 0 : 1, Now = now, ExpectedRowVersion = rating.RowVersion,
        }, ct: ct));
        if (affected == 0)
        {
            throw new PreconditionFailedException("评价已被修改，请重新获取后再试 (the rating changed meanwhile; fetch it again).");
        }
        return (await FindAsync(engagementId, ct))!;
    }

    /// <summary>The rating as a party or an operator reads it (others get 404 from the engagement).</summary>
    public async Task<Rating> GetAsync(Actor actor, Guid engagementId, CancellationToken ct)
    {
        await engagements.GetAsync(actor, engagementId, ct);
        return await FindAsync(engagementId, ct) ?? throw new NotFoundException($"对接 {engagementId} 尚未评价 (this engagement has no rating).");
    }

    public async Task<Rating> HideCommentAsync(Actor actor, Guid engagementId, string? ifMatch, string? reason, CancellationToken ct)
    {
        if (!actor.IsOperator)
        {
            throw new ForbiddenException("只有运营方可以隐藏评价内容 (only operators hide comments).");
        }
        var v = new Validator();
        reason = reason?.Trim();
        if (v.Required("reason", reason))
        {
            v.Text("reason", reason, HideReasonMax);
        }
        v.ThrowIfAny();
        var rating = await GetAsync(actor, engagementId, ct);
        Preconditions.CheckIfMatch(ifMatch, rating.ETag, "评价");
        if (rating.Comment is null)
        {
            throw new ConflictException("该评价没有文字内容 (the rating has no comment to hide).");
        }
        // Hidden once: a repeat would overwrite the first moderator's reason (and change the ETag the enterprise edits with).
        var alreadyHidden = new ConflictException("该评价内容已隐藏，隐藏原因保持不变 (the comment is already hidden; its reason stays).");
        if (rating.CommentHidden)
        {
            throw alreadyHidden;
        }
        var expected = Preconditions.NamesAVersion(ifMatch) ? rating.RowVersion : (int?)null;
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteAsync(db.Command(RatingSql.HideComment,
            new { EngagementId = engagementId, Reason = reason, By = actor.OrganizationId, Now = clock.GetUtcNow(), ExpectedRowVersion = expected }, ct: ct)) == 0)
        {
            throw expected is null ? alreadyHidden : new PreconditionFailedException("评价已被修改，请重新获取后再试 (the rating changed meanwhile; fetch it again).");
        }
        return (await FindAsync(engagementId, ct))!;
    }

    public async Task<Rating?> FindAsync(Guid engagementId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<Rating>(db.Command(RatingSql.ById, new { EngagementId = engagementId }, ct: ct));
    }

    /// <summary>An integrator's ratings, newest first, as the public sees them (enterprise named only when it opted in).</summary>
    public async Task<PagedList<Rating>> OfIntegratorAsync(Guid integratorId, int page, int pageSize, CancellationToken ct)
    {
        await IntegratorAsync(integratorId, ct);
        await using var c = await db.OpenAsync(ct);
        var args = new { IntegratorId = integratorId, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(RatingSql.CountOfIntegrator, args, ct: ct));
        var rows = await c.QueryAsync<Rating>(db.Command(db.Dialect.Page(RatingSql.OfIntegrator), args, ct: ct));
        return new PagedList<Rating>(rows.ToArray(), page, pageSize, total);
    }

    /// <summary>Completed (verified) engagements, average ratings with their counts, on-time and cost-overrun shares.</summary>
    public async Task<IntegratorProfile> ProfileAsync(Guid integratorId, CancellationToken ct)
    {
        var integrator = await IntegratorAsync(integratorId, ct);
        await using var c = await db.OpenAsync(ct);
        var stats = await c.QuerySingleAsync<StatsRow>(db.Command(RatingSql.EngagementStats, new { IntegratorId = integratorId }, ct: ct));
        var ratings = await c.QuerySingleAsync<RatingStatsRow>(db.Command(RatingSql.RatingStats, new { IntegratorId = integratorId }, ct: ct));
        double? Round(double? value) => value is null ? null : Math.Round(value.Value, 2);
        var overall = ratings.Count == 0 ? null : Round((ratings.Quality + ratings.Timeliness + ratings.Value) / 3);
        return new IntegratorProfile(integrator.Id, integrator.Name, integrator.District, integrator.PublishedOfferings, stats.Completed,
            new Average(Round(ratings.Quality), ratings.Count), new Average(Round(ratings.Timeliness), ratings.Count), new Average(Round(ratings.Value), ratings.Count),
            new Average(overall, ratings.Count),
            new Share(stats.Timed == 0 ? null : Math.Round((double)stats.OnTime / stats.Timed, 3), stats.Timed),
            new Share(stats.Costed == 0 ? null : Math.Round((double)stats.Overrun / stats.Costed, 3), stats.Costed),
            integrator.PublishedCases);
    }

    private async Task<IntegratorRow> IntegratorAsync(Guid integratorId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<IntegratorRow>(db.Command(RatingSql.Integrator, new { Id = integratorId }, ct: ct));
        return row is { Kind: "integrator" } ? row : throw new NotFoundException($"服务商 {integratorId} 不存在 (integrator not found).");
    }

    /// <summary>The engagement, when <paramref name="actor"/> is its enterprise and it passed 验收.</summary>
    private async Task<Engagement> RatableAsync(Actor actor, Guid engagementId, CancellationToken ct)
    {
        var engagement = await engagements.GetAsync(actor, engagementId, ct);
        if (engagement.PartyOf(actor) != EngagementParty.Enterprise)
        {
            throw new ForbiddenException("只有对接的企业可以评价 (only the engagement's enterprise rates it).");
        }
        if (engagement.VerifiedAt is null)
        {
            throw new ConflictException($"只有验收通过的对接才能评价，当前状态 {engagement.Status.ToCode()} (only an engagement that passed 验收 can be rated).");
        }
        return engagement;
    }

    private static (int Quality, int Timeliness, int Value, string? Comment) Validate(RatingInput? input)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        foreach (var (field, score) in new[] { ("quality", input!.Quality), ("timeliness", input.Timeliness), ("value", input.Value) })
        {
            if (v.Required(field, score) && score is < 1 or > 5)
            {
                v.Add(field, "评分应为 1 到 5 的整数 (a whole number from 1 to 5).");
            }
        }
        var comment = string.IsNullOrWhiteSpace(input.Comment) ? null : input.Comment.Trim();
        v.Text("comment", comment, CommentMax);
        v.ThrowIfAny();
        return (input.Quality!.Value, input.Timeliness!.Value, input.Value!.Value, comment);
    }
}

internal static class RatingSql
{
    private const string Select = """
        SELECT r.engagement_id AS EngagementId, r.integrator_id AS IntegratorId, r.enterprise_id AS EnterpriseId, r.quality AS Quality,
               r.timeliness AS Timeliness, r.value_for_money AS Value, r.comment AS Comment, r.comment_hidden_at AS CommentHiddenAt,
               r.comment_hidden_reason AS CommentHiddenReason, r.row_version AS RowVersion, r.created_at AS CreatedAt, r.updated_at AS UpdatedAt,
               CASE WHEN ent.disclose_name = 1 THEN ent.name ELSE NULL END AS EnterpriseName, ent.district AS EnterpriseDistrict, ent.industry AS EnterpriseIndustry
        FROM engagement_ratings r JOIN organizations ent ON ent.id = r.enterprise_id
        """;

    public const string ById = Select + " WHERE r.engagement_id = @EngagementId";

    public const string OfIntegrator = Select + " WHERE r.integrator_id = @IntegratorId ORDER BY r.created_at DESC, r.engagement_id";

    public const string CountOfIntegrator = "SELECT COUNT(*) FROM engagement_ratings WHERE integrator_id = @IntegratorId";

    public const string Exists = "SELECT COUNT(*) FROM engagement_ratings WHERE engagement_id = @EngagementId";

    public const string Insert = """
        INSERT INTO engagement_ratings (engagement_id, integrator_id, enterprise_id, quality, timeliness, value_for_money, comment,
                                        comment_hidden_at, comment_hidden_reason, comment_hidden_by, row_version, created_at, updated_at)
        VALUES (@EngagementId, @IntegratorId, @EnterpriseId, @Quality, @Timeliness, @Value, @Comment, NULL, NULL, NULL, 1, @Now, @Now)
        """;

    public const string Update = """
        UPDATE engagement_ratings
        SET quality = @Quality, timeliness = @Timeliness, value_for_money = @Value, comment = @Comment,
            comment_hidden_at = CASE WHEN @KeepHidden = 1 THEN comment_hidden_at ELSE NULL END,
            comment_hidden_reason = CASE WHEN @KeepHidden = 1 THEN comment_hidden_reason ELSE NULL END,
            comment_hidden_by = CASE WHEN @KeepHidden = 1 THEN comment_hidden_by ELSE NULL END,
            row_version = row_version + 1, updated_at = @Now
        WHERE engagement_id = @EngagementId AND row_version = @ExpectedRowVersion
        """;

    public const string HideComment = """
        UPDATE engagement_ratings
        SET comment_hidden_at = @Now, comment_hidden_reason = @Reason, comment_hidden_by = @By, row_version = row_version + 1, updated_at = @Now
        WHERE engagement_id = @EngagementId AND comment_hidden_at IS NULL AND (@ExpectedRowVersion IS NULL OR row_version = @ExpectedRowVersion)
        """;

    public const string Integrator = """
        SELECT o.id AS Id, o.name AS Name, o.kind AS Kind, o.district AS District,
               (SELECT COUNT(*) FROM offerings f WHERE f.owner_id = o.id AND f.published_revision_id IS NOT NULL AND f.status <> 'retired') AS PublishedOfferings,
               (SELECT COUNT(*) FROM cases k WHERE k.integrator_id = o.id AND k.status = 'published') AS PublishedCases
        FROM organizations o WHERE o.id = @Id
        """;

    /// <summary>Verified engagements; on time = actual days ≤ planned days; overrun = actual cost > agreed price.</summary>
    public const string EngagementStats = """
        SELECT COUNT(*) AS Completed,
               COALESCE(SUM(CASE WHEN planned_days IS NOT NULL AND actual_days IS NOT NULL THEN 1 ELSE 0 END), 0) AS Timed,
               COALESCE(SUM(CASE WHEN actual_days <= planned_days THEN 1 ELSE 0 END), 0) AS OnTime,
               COALESCE(SUM(CASE WHEN agreed_price_yuan IS NOT NULL AND actual_cost_yuan IS NOT NULL THEN 1 ELSE 0 END), 0) AS Costed,
               COALESCE(SUM(CASE WHEN actual_cost_yuan > agreed_price_yuan THEN 1 ELSE 0 END), 0) AS Overrun
        FROM engagements WHERE integrator_id = @IntegratorId AND verified_at IS NOT NULL
        """;

    public const string RatingStats = """
        SELECT COUNT(*) AS Count, AVG(CAST(quality AS FLOAT)) AS Quality, AVG(CAST(timeliness AS FLOAT)) AS Timeliness,
               AVG(CAST(value_for_money AS FLOAT)) AS Value
        FROM engagement_ratings WHERE integrator_id = @IntegratorId
        """;
}
