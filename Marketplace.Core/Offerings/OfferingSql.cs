using Marketplace.Core.Storage;

namespace Marketplace.Core.Offerings;

internal static class OfferingSql
{
    private const string Select = """
        SELECT o.id AS Id, o.owner_id AS OwnerId, org.name AS OwnerName, o.status AS Status, o.row_version AS RowVersion,
               o.index_version AS IndexVersion, o.reject_reason AS RejectReason, o.created_at AS CreatedAt, o.updated_at AS UpdatedAt,
               o.published_at AS PublishedAt,
               w.id AS WorkingId, w.number AS WorkingNumber, w.content AS WorkingContent, w.created_at AS WorkingCreatedAt, w.published_at AS WorkingPublishedAt,
               p.id AS PublishedId, p.number AS PublishedNumber, p.content AS PublishedContent, p.created_at AS PublishedCreatedAt, p.published_at AS PublishedPublishedAt
        FROM offerings o
        JOIN organizations org ON org.id = o.owner_id
        JOIN offering_revisions w ON w.id = o.working_revision_id
        LEFT JOIN offering_revisions p ON p.id = o.published_revision_id
        """;

    public const string ById = Select + " WHERE o.id = @Id";

    public const string ByIds = Select + " WHERE o.id IN @Ids";

    /// <summary>
    /// <c>published</c> means live for every caller: a live offering whose owner is revising it (its status is the revision's,
    /// draft or submitted) is listed under it as well as under its revision's status.
    /// </summary>
    private const string ListWhere = """
        WHERE (@OwnerId IS NULL OR o.owner_id = @OwnerId)
          AND (@Status IS NULL OR o.status = @Status
               OR (@Status = 'published' AND o.published_revision_id IS NOT NULL AND o.status <> 'retired'))
          AND (@LiveOnly = 0 OR (o.published_revision_id IS NOT NULL AND o.status <> 'retired'))
        """;

    public const string ListOrder = " ORDER BY o.updated_at DESC, o.id";

    /// <summary>Live offerings as others see them: newest published version first, so an owner's draft edits do not reorder them.</summary>
    public const string ListLiveOrder = " ORDER BY o.published_at DESC, o.id";

    /// <summary>
    /// One page in <paramref name="order"/>: the page's ids are chosen on the offerings table alone (its indexes, no
    /// revision contents), then only those rows are read whole. Sorting and skipping whole rows read every live
    /// offering's contents for each page (0.3 s for page 1 of 100,000, 4.5 s deep down).
    /// </summary>
    public static string Page(SqlDialect dialect, string order) =>
        Select + " WHERE o.id IN (" + dialect.Page("SELECT o.id FROM offerings o " + ListWhere + order) + ")" + order;

    public const string Count = "SELECT COUNT(*) FROM offerings o " + ListWhere;

    /// <summary>Offerings after @AfterId in id order (keyset paging): live ones only with @LiveOnly = 1 (index rebuilds), or all (exports).</summary>
    public const string After = Select + """
         WHERE o.id > @AfterId AND (@LiveOnly = 0 OR (o.published_revision_id IS NOT NULL AND o.status <> 'retired'))
         ORDER BY o.id
        """;

    /// <summary>What an owner's offerings hold: each one's working revision and, when another, its published one.</summary>
    public const string OwnerContents = """
        SELECT o.id AS OfferingId, r.id AS Id, r.number AS Number, r.content AS Content, r.created_at AS CreatedAt, r.published_at AS PublishedAt
        FROM offerings o
        JOIN offering_revisions r ON r.id = o.working_revision_id OR r.id = o.published_revision_id
        WHERE o.owner_id = @OwnerId
        """;

    /// <summary>Every offering that was ever published (index version above 0): what the index should hold, as (id, version, live).</summary>
    public const string IndexStates = """
        SELECT o.id AS Id, o.index_version AS IndexVersion,
               CASE WHEN o.published_revision_id IS NOT NULL AND o.status <> 'retired' THEN 1 ELSE 0 END AS Live
        FROM offerings o WHERE o.index_version > 0
        """;

    /// <summary>
    /// A fingerprint of the published catalog: every change the index must see raises one offering's index version, so the
    /// sum moves with each of them (the count covers a sum that could otherwise repeat).
    /// </summary>
    public const string CatalogVersion = """
        SELECT COUNT(*) AS Offerings, COALESCE(SUM(CAST(index_version AS BIGINT)), 0) AS IndexVersions
        FROM offerings WHERE index_version > 0
        """;

    /// <summary>Moves an offering's index version up (a reconciliation found the index ahead of the database).</summary>
    public const string RaiseIndexVersion = "UPDATE offerings SET index_version = @Version WHERE id = @Id AND index_version = @Current";

    public const string InsertOffering = """
        INSERT INTO offerings (id, owner_id, status, working_revision_id, published_revision_id, row_version, index_version, reject_reason, created_at, updated_at, published_at)
        VALUES (@Id, @OwnerId, 'draft', @RevisionId, NULL, 1, 0, NULL, @Now, @Now, NULL)
        """;

    public const string InsertRevision = """
        INSERT INTO offering_revisions (id, offering_id, number, content, created_at, created_by, published_at)
        VALUES (@Id, @OfferingId, @Number, @Content, @Now, @CreatedBy, NULL)
        """;

    public const string UpdateRevisionContent = "UPDATE offering_revisions SET content = @Content WHERE id = @Id AND published_at IS NULL";

    /// <summary>Optimistic state change: rows affected 0 means the offering changed under us.</summary>
    public const string Transition = """
        UPDATE offerings
        SET status = @NewStatus, working_revision_id = @WorkingRevisionId, published_revision_id = @PublishedRevisionId,
            row_version = row_version + 1, index_version = @IndexVersion, reject_reason = @RejectReason,
            updated_at = @Now, published_at = @PublishedAt
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string DeleteRevision = "DELETE FROM offering_revisions WHERE id = @Id AND published_at IS NULL";

    /// <summary>An offering never published, with its revisions (its audit events stay).</summary>
    public const string DeleteUnpublishedRevisions = "DELETE FROM offering_revisions WHERE offering_id = @Id AND published_at IS NULL";

    public const string DeleteUnpublishedOffering = "DELETE FROM offerings WHERE id = @Id AND published_revision_id IS NULL";

    public const string LastRevisionNumber = "SELECT MAX(number) FROM offering_revisions WHERE offering_id = @OfferingId";

    /// <summary>The offering's latest revision ever published (null when none was).</summary>
    public const string LastPublishedRevision = """
        SELECT id FROM offering_revisions
        WHERE offering_id = @OfferingId AND number = (SELECT MAX(number) FROM offering_revisions WHERE offering_id = @OfferingId AND published_at IS NOT NULL)
        """;

    public const string MarkRevisionPublished = "UPDATE offering_revisions SET published_at = @Now WHERE id = @Id";

    public const string InsertAudit = """
        INSERT INTO audit_events (offering_id, revision_id, action, actor_id, actor_kind, detail, at)
        VALUES (@OfferingId, @RevisionId, @Action, @ActorId, @ActorKind, @Detail, @Now)
        """;

    public const string Audit = """
        SELECT seq AS Seq, offering_id AS OfferingId, revision_id AS RevisionId, action AS Action, actor_id AS ActorId,
               actor_kind AS ActorKind, detail AS Detail, at AS At
        FROM audit_events WHERE offering_id = @OfferingId ORDER BY seq
        """;

    public const string Revisions = """
        SELECT id AS Id, offering_id AS OfferingId, number AS Number, content AS Content, created_at AS CreatedAt, published_at AS PublishedAt
        FROM offering_revisions WHERE offering_id = @OfferingId ORDER BY number
        """;
}
