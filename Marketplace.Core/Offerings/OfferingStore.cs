using System.Data.Common;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Offerings;

/// <summary>
/// Offerings and their review lifecycle. Every change runs in one transaction with its audit event and,
/// for publish and retire, the search outbox row, so the index can never miss a change.
/// </summary>
public sealed class OfferingStore(Database db, TaxonomyCatalog taxonomy, TimeProvider clock, SearchIndexSignal? indexSignal = null, Webhooks.WebhookOutbox? webhooks = null)
{
    public const int RejectReasonMax = 1_000;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string OwnerName { get; init; } = "";
        public string Status { get; init; } = "";
        public int RowVersion { get; init; }
        public long IndexVersion { get; init; }
        public string? RejectReason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? PublishedAt { get; init; }
        public Guid WorkingId { get; init; }
        public int WorkingNumber { get; init; }
        public string WorkingContent { get; init; } = "";
        public DateTimeOffset WorkingCreatedAt { get; init; }
        public DateTimeOffset? WorkingPublishedAt { get; init; }
        public Guid? PublishedId { get; init; }
        public int? PublishedNumber { get; init; }
        public string? PublishedContent { get; init; }
        public DateTimeOffset? PublishedCreatedAt { get; init; }
        public DateTimeOffset? PublishedPublishedAt { get; init; }

        public Offering ToOffering()
        {
            OfferingStatuses.TryParse(Status, out var status);
            var working = new Revision(WorkingId, WorkingNumber, Deserialize(WorkingContent), WorkingCreatedAt, WorkingPublishedAt);
            var published = PublishedId is { } pid
                ? pid == WorkingId ? working : new Revision(pid, PublishedNumber!.Value, Deserialize(PublishedContent!), PublishedCreatedAt!.Value, PublishedPublishedAt)
                : null;
            return new Offering(Id, OwnerId, OwnerName, status, RowVersion, IndexVersion, working, published, RejectReason, CreatedAt, UpdatedAt, PublishedAt);
        }
    }

    public sealed record RevisionRow
{
    public Guid Id { get; init; }
    public Guid OfferingId { get; init; }
    public int Number { get; init; }
    public string Content { get; init; } = "";
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
}

    internal static OfferingContent Deserialize(string json) => JsonSerializer.Deserialize<OfferingContent>(json, Json)!;

    private static string Serialize(OfferingContent content) => JsonSerializer.Serialize(content, Json);

    public async Task<Offering> CreateAsync(Actor actor, OfferingInput? input, CancellationToken ct)
    {
        RequireKind(actor, OrganizationKind.Integrator, "只有服务商可以发布方案 (only integrators create offerings).");
        var content = OfferingValidation.Validate(input, taxonomy, ChinaTime.Year(clock));
        var id = await db.InTransactionAsync((c, t) => InsertDraftAsync(c, t, actor, content, null, clock.GetUtcNow(), ct), ct);
        return await GetForAsync(actor, id, ct);
    }

    /// <summary>Inserts a validated draft of <paramref name="actor"/> in the caller's transaction (with its audit event); returns its id.</summary>
    public async Task<Guid> InsertDraftAsync(DbConnection c, DbTransaction t, Actor actor, OfferingContent content, string? auditDetail, DateTimeOffset now, CancellationToken ct)
    {
        RequireKind(actor, OrganizationKind.Integrator, "只有服务商可以发布方案 (only integrators create offerings).");
        var id = Guid.NewGuid();
        var revisionId = Guid.NewGuid();
        await c.ExecuteAsync(db.Command(OfferingSql.InsertOffering, new { Id = id, OwnerId = actor.OrganizationId, RevisionId = revisionId, Now = now }, t, ct));
        await c.ExecuteAsync(db.Command(OfferingSql.InsertRevision,
            new { Id = revisionId, OfferingId = id, Number = 1, Content = Serialize(content), Now = now, CreatedBy = actor.OrganizationId }, t, ct));
        await AuditAsync(c, t, id, revisionId, "created", actor, auditDetail, now, ct);
        return id;
    }

    public async Task<Offering?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(OfferingSql.ById, new { Id = id }, ct: ct));
        return row?.ToOffering();
    }

    /// <summary>The offering as <paramref name="actor"/> may see it: live ones are public, others only to the owner and operators.</summary>
    public async Task<Offering> GetForAsync(Actor? actor, Guid id, CancellationToken ct)
    {
        var offering = await FindAsync(id, ct);
        if (offering is null || !(offering.IsLive || CanManage(actor, offering)))
        {
            throw NotFound(id);
        }
        return offering;
    }

    public static bool CanManage(Actor? actor, Offering offering) =>
        actor is not null && (actor.IsOperator || actor.OrganizationId == offering.OwnerId);

    /// <summary>How many offerings <paramref name="filter"/> lists (start-up checks, rebuild totals, the demo's seeding).</summary>
    public async Task<long> CountAsync(OfferingListFilter filter, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(OfferingSql.Count, new { filter.OwnerId, Status = filter.Status?.ToCode(), filter.LiveOnly }, ct: ct));
    }

    public async Task<PagedList<Offering>> ListAsync(OfferingListFilter filter, int page, int pageSize, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new
        {
            filter.OwnerId,
            Status = filter.Status?.ToCode(),
            filter.LiveOnly,
            Skip = (page - 1) * pageSize,
            Take = pageSize,
        };
        var total = await c.ExecuteScalarAsync<long>(db.Command(OfferingSql.Count, args, ct: ct));
        var rows = await c.QueryAsync<Row>(db.Command(OfferingSql.Page(db.Dialect, filter.LiveOnly ? OfferingSql.ListLiveOrder : OfferingSql.ListOrder), args, ct: ct));
        return new PagedList<Offering>(rows.Select(r => r.ToOffering()).ToArray(), page, pageSize, total);
    }

    /// <summary>
    /// Owner edits: a draft is changed in place; a published offering gets a new draft revision while the published one stays
    /// live; a retired offering gets a new draft revision that returns to the catalog only once approved.
    /// </summary>
    public async Task<Offering> UpdateAsync(Actor actor, Guid id, string? ifMatch, OfferingInput? input, CancellationToken ct)
    {
        var offering = await GetOwnedAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "方案");
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        var content = OfferingValidation.Validate(input, taxonomy, ChinaTime.Year(clock));
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            switch (offering.Status)
            {
                case OfferingStatus.Draft when offering.Working.PublishedAt is null:
                    await c.ExecuteAsync(db.Command(OfferingSql.UpdateRevisionContent, new { offering.Working.Id, Content = Serialize(content) }, t, ct));
                    await TransitionAsync(c, t, offering, OfferingStatus.Draft, offering.Working.Id, offering.Published?.Id, offering.IndexVersion, offering.RejectReason, offering.PublishedAt, now, ct);
                    await AuditAsync(c, t, id, offering.Working.Id, "updated", actor, null, now, ct);
                    break;
                case OfferingStatus.Published:
                    var revisionId = Guid.NewGuid();
                    // The version check first: a concurrent edit that won already holds the next revision number (412, not a key violation).
                    await TransitionAsync(c, t, offering, OfferingStatus.Draft, revisionId, offering.Published?.Id, offering.IndexVersion, null, offering.PublishedAt, now, ct);
                    await c.ExecuteAsync(db.Command(OfferingSql.InsertRevision, new
                    {
                        Id = revisionId,
                        OfferingId = id,
                        Number = offering.Working.Number + 1,
                        Content = Serialize(content),
                        Now = now,
                        CreatedBy = actor.OrganizationId,
                    }, t, ct));
                    await AuditAsync(c, t, id, revisionId, "revised", actor, $"revision {offering.Working.Number + 1}", now, ct);
                    break;
                case OfferingStatus.Retired:
                    // Back to the catalog only through review: the new revision is a draft of an offering with no live
                    // version (as one never published), and discarding it retires the offering again.
                    var revivalId = Guid.NewGuid();
                    await TransitionAsync(c, t, offering, OfferingStatus.Draft, revivalId, null, offering.IndexVersion, null, offering.PublishedAt, now, ct);
                    await c.ExecuteAsync(db.Command(OfferingSql.InsertRevision, new
                    {
                        Id = revivalId,
                        OfferingId = id,
                        Number = await c.ExecuteScalarAsync<int>(db.Command(OfferingSql.LastRevisionNumber, new { OfferingId = id }, t, ct)) + 1,
                        Content = Serialize(content),
                        Now = now,
                        CreatedBy = actor.OrganizationId,
                    }, t, ct));
                    await AuditAsync(c, t, id, revivalId, "revised", actor, "retired offering", now, ct);
                    break;
                default:
                    throw WrongState(offering, "edit");
            }
        }, ct);
        return await GetForAsync(actor, id, ct);
    }

    /// <summary>
    /// The owner discards its draft (If-Match required): an offering never published is deleted with its revisions (null; its
    /// audit events stay); a live offering's draft revision is dropped and its published revision is the working one again;
    /// a retired offering's draft is dropped and the offering is retired as before. A revision under review or none at all is a 409.
    /// </summary>
    public async Task<Offering?> DiscardDraftAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var offering = await GetOwnedAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "方案");
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        if (offering.Status != OfferingStatus.Draft)
        {
            throw WrongState(offering, "discard the draft of");
        }
        var published = offering.Published;
        var now = clock.GetUtcNow();
        var deleted = false;
        await db.InTransactionAsync(async (c, t) =>
        {
            // A retired offering under revision has no live version but earlier published ones: it is retired again.
            var lastPublished = published is null
                ? await c.ExecuteScalarAsync<Guid?>(db.Command(OfferingSql.LastPublishedRevision, new { OfferingId = offering.Id }, t, ct))
                : null;
            var (status, workingId) = (published, lastPublished) switch
            {
                (not null, _) => (OfferingStatus.Published, published.Id),
                (null, not null) => (OfferingStatus.Retired, lastPublished.Value),
                _ => (OfferingStatus.Draft, offering.Working.Id),
            };
            // The version check first, as for every change: a concurrent edit wins (412).
            await TransitionAsync(c, t, offering, status, workingId, published?.Id ?? lastPublished, offering.IndexVersion, null, offering.PublishedAt, now, ct);
            deleted = status == OfferingStatus.Draft;
            if (deleted)
            {
                await c.ExecuteAsync(db.Command(OfferingSql.DeleteUnpublishedRevisions, new { offering.Id }, t, ct));
                await c.ExecuteAsync(db.Command(OfferingSql.DeleteUnpublishedOffering, new { offering.Id }, t, ct));
            }
            else
            {
                await c.ExecuteAsync(db.Command(OfferingSql.DeleteRevision, new { offering.Working.Id }, t, ct));
            }
            await AuditAsync(c, t, offering.Id, offering.Working.Id, "discarded", actor, $"revision {offering.Working.Number}", now, ct);
        }, ct);
        return deleted ? null : await GetForAsync(actor, id, ct);
    }

    public Task<Offering> SubmitAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct) => Preconditions.DecidedAgainWithoutIfMatchAsync(ifMatch, async () =>
    {
        var offering = await GetOwnedAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        if (offering.Status != OfferingStatus.Draft)
        {
            throw WrongState(offering, "submit");
        }
        return await ChangeAsync(actor, offering, OfferingStatus.Submitted, offering.Working.Id, offering.Published?.Id, offering.IndexVersion, null, "submitted", null, publish: false, ct);
    });

    public Task<Offering> ApproveAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct) => Preconditions.DecidedAgainWithoutIfMatchAsync(ifMatch, async () =>
    {
        var offering = await GetForReviewAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        if (offering.Status != OfferingStatus.Submitted)
        {
            throw WrongState(offering, "approve");
        }
        return await ChangeAsync(actor, offering, OfferingStatus.Published, offering.Working.Id, offering.Working.Id, offering.IndexVersion + 1, null,
            "approved", $"revision {offering.Working.Number}", publish: true, ct);
    });

    public Task<Offering> RejectAsync(Actor actor, Guid id, string? ifMatch, string? reason, CancellationToken ct) => Preconditions.DecidedAgainWithoutIfMatchAsync(ifMatch, async () =>
    {
        var offering = await GetForReviewAsync(actor, id, ct);
        var v = new Validator();
        if (v.Required("reason", reason))
        {
            v.Text("reason", reason!.Trim(), RejectReasonMax);
        }
        v.ThrowIfAny();
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        if (offering.Status != OfferingStatus.Submitted)
        {
            throw WrongState(offering, "reject");
        }
        return await ChangeAsync(actor, offering, OfferingStatus.Draft, offering.Working.Id, offering.Published?.Id, offering.IndexVersion, reason!.Trim(),
            "rejected", reason.Trim(), publish: false, ct);
    });

    public Task<Offering> RetireAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct) => Preconditions.DecidedAgainWithoutIfMatchAsync(ifMatch, async () =>
    {
        var offering = await GetForAsync(actor, id, ct);
        if (!CanManage(actor, offering))
        {
            throw new ForbiddenException("只有方案所有者或运营方可以下架 (only the owner or an operator can retire an offering).");
        }
        Preconditions.CheckIfMatch(ifMatch, offering.ETag, "方案");
        if (!offering.IsLive)
        {
            throw WrongState(offering, "retire");
        }
        // Retiring would take the revision out of the review queue unreviewed, and the retired offering would show it.
        if (offering.Status == OfferingStatus.Submitted)
        {
            throw new ConflictException("该方案有修改正在审核，审核通过或驳回后才能下架（运营方可先驳回） (a revision is under review: approve or reject it first).");
        }
        return await ChangeAsync(actor, offering, OfferingStatus.Retired, offering.Working.Id, offering.Published?.Id, offering.IndexVersion + 1, null,
            "retired", null, publish: false, ct);
    });

    public async Task<(IReadOnlyList<AuditEvent> Events, IReadOnlyList<Revision> PublishedRevisions)> HistoryAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var offering = await GetForAsync(actor, id, ct);
        if (!CanManage(actor, offering))
        {
            throw new ForbiddenException("只有方案所有者或运营方可以查看审核记录 (only the owner or an operator can read the history).");
        }
        await using var c = await db.OpenAsync(ct);
        var events = (await c.QueryAsync<AuditEvent>(db.Command(OfferingSql.Audit, new { OfferingId = id }, ct: ct))).ToArray();
        var revisions = (await c.QueryAsync<RevisionRow>(db.Command(OfferingSql.Revisions, new { OfferingId = id }, ct: ct)))
            .Where(r => r.PublishedAt is not null)
            .Select(r => new Revision(r.Id, r.Number, Deserialize(r.Content), r.CreatedAt, r.PublishedAt))
            .ToArray();
        return (events, revisions);
    }

    /// <summary>The contents an owner's offerings hold (working and published revisions), for an import to tell a row it already has.</summary>
    public async Task<IReadOnlyList<(Guid OfferingId, OfferingContent Content)>> ContentsOfOwnerAsync(Guid ownerId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<RevisionRow>(db.Command(OfferingSql.OwnerContents, new { OwnerId = ownerId }, ct: ct));
        return rows.Select(r => (r.OfferingId, Deserialize(r.Content))).ToArray();
    }

    /// <summary>Index documents for the given offerings as they are now: live ones in full, others as tombstones.</summary>
    public async Task<IReadOnlyList<OfferingDocument>> IndexDocumentsAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var documents = new List<OfferingDocument>();
        foreach (var chunk in ids.Distinct().Chunk(Database.KeysPerStatement))
        {
            var rows = await c.QueryAsync<Row>(db.Command(OfferingSql.ByIds, new { Ids = DapperTypeHandlers.ListParameter(chunk) }, ct: ct));
            documents.AddRange(rows.Select(r => ToDocument(r.ToOffering())));
        }
        return documents;
    }

    /// <summary>Every live offering as index documents, in id order, a batch at a time (for rebuilds).</summary>
    public async IAsyncEnumerable<IReadOnlyList<OfferingDocument>> LiveDocumentBatchesAsync(int batchSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var batch in BatchesAsync(liveOnly: true, batchSize, ct))
        {
            yield return batch.Select(ToDocument).ToArray();
        }
    }

    /// <summary>Offerings in id order, a batch at a time (keyset paging): live ones only, or all of them (for exports).</summary>
    public async IAsyncEnumerable<IReadOnlyList<Offering>> BatchesAsync(bool liveOnly, int batchSize, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var after = Guid.Empty;
        var sql = db.Dialect.Page(OfferingSql.After);
        while (true)
        {
            Row[] rows;
            await using (var c = await db.OpenAsync(ct))
            {
                rows = (await c.QueryAsync<Row>(db.Command(sql, new { AfterId = after, LiveOnly = liveOnly, Skip = 0, Take = batchSize }, ct: ct))).ToArray();
            }
            if (rows.Length == 0)
            {
                yield break;
            }
            yield return rows.Select(r => r.ToOffering()).ToArray();
            after = rows[^1].Id;
        }
    }

    /// <summary>The published catalog's version: equal versions mean no offering was published, changed or retired between them.</summary>
    public async Task<CatalogVersion> CatalogVersionAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleAsync<CatalogVersion>(db.Command(OfferingSql.CatalogVersion, ct: ct));
    }

    /// <summary>What the index should hold for every offering ever published: its index version and whether it is live.</summary>
    public async Task<IReadOnlyList<OfferingIndexState>> IndexStatesAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<OfferingIndexState>(db.Command(OfferingSql.IndexStates, ct: ct))).ToArray();
    }

    /// <summary>
    /// Queues offerings for indexing again through the outbox (a reconciliation's repair). When the index holds a version
    /// above the database's (<see cref="IndexRepair.IndexedVersion"/>, e.g. a database restored from an older backup), the
    /// offering's index version first moves above it, or the index's version guard would ignore the write. Returns how
    /// many were queued (an offering changed meanwhile is left to the change's own outbox row).
    /// </summary>
    public async Task<int> RequeueForIndexAsync(IReadOnlyList<IndexRepair> repairs, CancellationToken ct)
    {
        var queued = 0;
        foreach (var chunk in repairs.Chunk(200))
        {
            queued += await db.InTransactionAsync(async (c, t) =>
            {
                var now = clock.GetUtcNow();
                var count = 0;
                foreach (var repair in chunk)
                {
                    var version = repair.IndexVersion;
                    if (repair.IndexedVersion >= version)
                    {
                        version = repair.IndexedVersion + 1;
                        if (await c.ExecuteAsync(db.Command(OfferingSql.RaiseIndexVersion, new { repair.Id, Version = version, Current = repair.IndexVersion }, t, ct)) == 0)
                        {
                            continue;
                        }
                    }
                    await c.ExecuteAsync(db.Command(SearchOutboxSql.Insert, new { OfferingId = repair.Id, IndexVersion = version, CreatedAt = now }, t, ct));
                    count++;
                }
                return count;
            }, ct);
        }
        if (queued > 0)
        {
            indexSignal?.Poke();
        }
        return queued;
    }

    public OfferingDocument ToDocument(Offering offering)
    {
        if (!offering.IsLive)
        {
            return OfferingDocument.Tombstone(offering.Id, offering.IndexVersion);
        }
        var content = offering.Published!.Content;
        var directions = content.Directions
            .Concat(content.SubDirections.Select(s => taxonomy.FindSubDirection(s)?.DirectionCode).OfType<string>())
            .Distinct()
            .ToArray();
        return new OfferingDocument
        {
            Id = offering.Id,
            Version = offering.IndexVersion,
            Live = true,
            RevisionId = offering.Published.Id,
            Title = content.Title,
            Summary = content.Summary,
            Description = content.Description,
            Keywords = content.Keywords,
            Cases = content.Cases.Select(c => string.Join(" ", new[] { c.Customer, c.District, c.Year?.ToString(System.Globalization.CultureInfo.InvariantCulture), c.Outcome }.Where(s => !string.IsNullOrEmpty(s)))).ToArray(),
            SupplierId = offering.OwnerId,
            SupplierName = offering.OwnerName,
            Directions = directions,
            SubDirections = content.SubDirections,
            Type = content.Type,
            Deployment = content.Deployment,
            Districts = content.Districts,
            PriceMinYuan = content.PriceMinYuan,
            PriceMaxYuan = content.PriceMaxYuan,
            ImplementationDays = content.ImplementationDays,
            PublishedAt = offering.PublishedAt ?? offering.UpdatedAt,
        };
    }

    private async Task<Offering> ChangeAsync(Actor actor, Offering offering, OfferingStatus newStatus, Guid workingId, Guid? publishedId, long indexVersion,
        string? rejectReason, string action, string? detail, bool publish, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            if (newStatus == OfferingStatus.Retired)
            {
                // A match run being written checks under the match writers' lock that its offerings are still live. On SQL
                // Server writers do not queue: without the lock here, the retirement's re-match could pick the items showing
                // the offering before that run commits, and the run would keep the retired offering.
                await c.ExecuteAsync(db.Command(db.Dialect.LockMatchEvents, transaction: t, ct: ct));
            }
            await TransitionAsync(c, t, offering, newStatus, workingId, publishedId, indexVersion, rejectReason, publish ? now : offering.PublishedAt, now, ct);
            if (publish)
            {
                await c.ExecuteAsync(db.Command(OfferingSql.MarkRevisionPublished, new { Id = workingId, Now = now }, t, ct));
            }
            if (indexVersion != offering.IndexVersion)
            {
                await c.ExecuteAsync(db.Command(SearchOutboxSql.Insert, new { OfferingId = offering.Id, IndexVersion = indexVersion, CreatedAt = now }, t, ct));
            }
            await AuditAsync(c, t, offering.Id, workingId, action, actor, detail, now, ct);
            if (webhooks is not null && action is "approved" or "rejected")
            {
                // The review decision reaches the integrator's endpoints with the decision itself (review.decided).
                var data = new Webhooks.ReviewDecidedData("offering", offering.Id, offering.Working.Content.Title, action, action == "rejected" ? rejectReason : null);
                await webhooks.RecordAsync(c, t, Webhooks.WebhookAudience.Of(offering.OwnerId), Webhooks.WebhookEventTypes.ReviewDecided,
                    (id, organization) => new Webhooks.ReviewDecidedEvent(id, Webhooks.WebhookEventTypes.ReviewDecided, now, organization, data), now, ct);
            }
        }, ct);
        if (indexVersion != offering.IndexVersion)
        {
            indexSignal?.Poke(); // the outbox row is committed: wake the indexer
        }
        return await GetForAsync(actor, offering.Id, ct);
    }

    private async Task TransitionAsync(DbConnection c, DbTransaction t, Offering offering, OfferingStatus newStatus, Guid workingId, Guid? publishedId,
        long indexVersion, string? rejectReason, DateTimeOffset? publishedAt, DateTimeOffset now, CancellationToken ct)
    {
        var affected = await c.ExecuteAsync(db.Command(OfferingSql.Transition, new
        {
            offering.Id,
            NewStatus = newStatus.ToCode(),
            WorkingRevisionId = workingId,
            PublishedRevisionId = publishedId,
            IndexVersion = indexVersion,
            RejectReason = rejectReason,
            Now = now,
            PublishedAt = publishedAt,
            ExpectedRowVersion = offering.RowVersion,
        }, t, ct));
        if (affected == 0)
        {
            throw new PreconditionFailedException("方案已被他人修改，请重新获取后再试 (the offering changed meanwhile; fetch it again).");
        }
    }

    private async Task AuditAsync(DbConnection c, DbTransaction t, Guid offeringId, Guid? revisionId, string action, Actor actor, string? detail, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(OfferingSql.InsertAudit, new
        {
            OfferingId = offeringId,
            RevisionId = revisionId,
            Action = action,
            ActorId = actor.OrganizationId,
            ActorKind = actor.Kind.ToCode(),
            Detail = detail,
            Now = now,
        }, t, ct));

    private async Task<Offering> GetOwnedAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var offering = await GetForAsync(actor, id, ct);
        if (offering.OwnerId != actor.OrganizationId)
        {
            throw new ForbiddenException("只有方案所有者可以执行此操作 (only the offering's owner can do this).");
        }
        return offering;
    }

    private async Task<Offering> GetForReviewAsync(Actor actor, Guid id, CancellationToken ct)
    {
        RequireKind(actor, OrganizationKind.Operator, "只有运营方可以审核 (only operators review offerings).");
        return await GetForAsync(actor, id, ct);
    }

    private static void RequireKind(Actor actor, OrganizationKind kind, string message)
    {
        if (actor.Kind != kind)
        {
            throw new ForbiddenException(message);
        }
    }


    private static NotFoundException NotFound(Guid id) => new($"方案 {id} 不存在 (offering not found).");

    private static ConflictException WrongState(Offering offering, string action) =>
        new($"方案当前状态为 {offering.Status.ToCode()}，不能执行 {action} (cannot {action} an offering in status '{offering.Status.ToCode()}').");
}
