namespace Marketplace.Core.Engagements;

internal static class EngagementSql
{
    private const string Select = """
        SELECT e.id AS Id, e.list_id AS ListId, e.item_id AS ItemId, i.item_text AS ItemText, e.offering_id AS OfferingId,
               e.revision_id AS RevisionId, e.offering_title AS OfferingTitle,
               e.enterprise_id AS EnterpriseId, ent.name AS EnterpriseName, ent.district AS EnterpriseDistrict, ent.industry AS EnterpriseIndustry,
               e.integrator_id AS IntegratorId, itg.name AS IntegratorName,
               e.status AS Status, e.message AS Message, e.contact_name AS ContactName, e.contact_phone AS ContactPhone, e.contact_email AS ContactEmail,
               e.agreed_price_yuan AS AgreedPriceYuan, e.planned_days AS PlannedDays, e.actual_cost_yuan AS ActualCostYuan, e.actual_days AS ActualDays,
               e.row_version AS RowVersion, e.created_at AS CreatedAt, e.updated_at AS UpdatedAt, e.accepted_at AS AcceptedAt,
               e.contracted_at AS ContractedAt, e.delivered_at AS DeliveredAt, e.verified_at AS VerifiedAt, e.ended_at AS EndedAt, e.end_reason AS EndReason
        FROM engagements e
        JOIN demand_items i ON i.id = e.item_id
        JOIN organizations ent ON ent.id = e.enterprise_id
        JOIN organizations itg ON itg.id = e.integrator_id
        """;

    public const string ById = Select + " WHERE e.id = @Id";

    private const string ListWhere = """
        WHERE (@EnterpriseId IS NULL OR e.enterprise_id = @EnterpriseId)
          AND (@IntegratorId IS NULL OR e.integrator_id = @IntegratorId)
          AND (@Status IS NULL OR e.status = @Status)
          AND (@ItemId IS NULL OR e.item_id = @ItemId)
          AND (@OfferingId IS NULL OR e.offering_id = @OfferingId)
        """;

    public const string List = Select + " " + ListWhere + " ORDER BY e.updated_at DESC, e.id";

    public const string Count = "SELECT COUNT(*) FROM engagements e " + ListWhere;

    public const string Events = """
        SELECT seq AS Seq, action AS Action, from_status AS FromStatus, to_status AS ToStatus, actor_id AS ActorId, actor_kind AS ActorKind,
               detail AS Detail, at AS At
        FROM engagement_events WHERE engagement_id = @EngagementId ORDER BY seq
        """;

    /// <summary>The demand item with its list's owner and status (removed items are not found).</summary>
    public const string ItemForEngagement = """
        SELECT i.id AS ItemId, i.list_id AS ListId, l.owner_id AS OwnerId, l.status AS ListStatus,
               CASE WHEN l.match_pending IS NULL THEN 0 ELSE 1 END AS MatchPending
        FROM demand_items i JOIN demand_lists l ON l.id = i.list_id
        WHERE i.id = @ItemId AND i.removed_at IS NULL
        """;

    /// <summary>
    /// The offering as ranked in the item's current matches (its latest match event), with its current owner and state. An
    /// earlier run does not count: it may have matched the item's text before an edit changed what the item asks for.
    /// </summary>
    public const string MatchOfItem = """
        SELECT r.revision_id AS RevisionId, r.title AS Title, o.owner_id AS OwnerId, o.status AS Status, o.published_revision_id AS PublishedRevisionId
        FROM demand_items i
        JOIN match_results r ON r.event_id = i.latest_event_id
        JOIN offerings o ON o.id = r.offering_id
        WHERE i.id = @ItemId AND r.offering_id = @OfferingId
        """;

    /// <summary>
    /// Demand items an integrator accepted an engagement for (not declined or withdrawn since; the item not removed), most
    /// recently accepted first: what owners asked for, in their words, and the offering that meets it. Paged.
    /// </summary>
    public const string AcceptedDemands = """
        SELECT e.item_id AS ItemId, e.enterprise_id AS OwnerId, i.item_text AS Text, e.offering_id AS OfferingId
        FROM engagements e JOIN demand_items i ON i.id = e.item_id
        WHERE e.accepted_at IS NOT NULL AND e.status NOT IN ('declined', 'withdrawn') AND i.removed_at IS NULL
        ORDER BY e.accepted_at DESC, e.id
        """;

    public const string OpenForMatch = """
        SELECT id FROM engagements WHERE item_id = @ItemId AND offering_id = @OfferingId AND ended_at IS NULL
        """;

    public const string Insert = """
        INSERT INTO engagements (id, list_id, item_id, offering_id, revision_id, offering_title, enterprise_id, integrator_id, status, message,
                                 contact_name, contact_phone, contact_email, agreed_price_yuan, planned_days, actual_cost_yuan, actual_days,
                                 row_version, created_at, updated_at, accepted_at, contracted_at, delivered_at, verified_at, ended_at, end_reason)
        VALUES (@Id, @ListId, @ItemId, @OfferingId, @RevisionId, @OfferingTitle, @EnterpriseId, @IntegratorId, 'requested', @Message,
                @ContactName, @ContactPhone, @ContactEmail, NULL, NULL, NULL, NULL,
                1, @Now, @Now, NULL, NULL, NULL, NULL, NULL, NULL)
        """;

    /// <summary>Optimistic transition: rows affected 0 means the engagement changed under us.</summary>
    public const string Transition = """
        UPDATE engagements
        SET status = @Status, agreed_price_yuan = @AgreedPriceYuan, planned_days = @PlannedDays,
            actual_cost_yuan = @ActualCostYuan, actual_days = @ActualDays,
            accepted_at = @AcceptedAt, contracted_at = @ContractedAt, delivered_at = @DeliveredAt, verified_at = @VerifiedAt,
            ended_at = @EndedAt, end_reason = @EndReason, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string InsertOutcome = """
        INSERT INTO engagement_outcomes (engagement_id, ordinal, dimension, metric, unit, baseline, actual)
        VALUES (@EngagementId, @Ordinal, @Dimension, @Metric, @Unit, @Baseline, @Actual)
        """;

    public const string DeleteOutcomes = "DELETE FROM engagement_outcomes WHERE engagement_id = @EngagementId";

    public const string OutcomesOf = """
        SELECT engagement_id AS EngagementId, ordinal AS Ordinal, dimension AS Dimension, metric AS Metric, unit AS Unit, baseline AS Baseline, actual AS Actual
        FROM engagement_outcomes WHERE engagement_id IN @EngagementIds ORDER BY engagement_id, ordinal
        """;

    public const string InsertEvent = """
        INSERT INTO engagement_events (engagement_id, action, from_status, to_status, actor_id, actor_kind, detail, at)
        VALUES (@EngagementId, @Action, @FromStatus, @ToStatus, @ActorId, @ActorKind, @Detail, @Now)
        """;

    private const string SummarySelect = """
        SELECT e.id AS Id, e.item_id AS ItemId, e.offering_id AS OfferingId, e.offering_title AS OfferingTitle, itg.name AS IntegratorName,
               e.status AS Status, e.updated_at AS UpdatedAt
        FROM engagements e JOIN organizations itg ON itg.id = e.integrator_id
        """;

    /// <summary>Engagements of a demand list's items (for the enterprise and operators).</summary>
    public const string SummariesOfList = SummarySelect + " WHERE e.list_id = @ListId ORDER BY e.created_at, e.id";

    /// <summary>An integrator's engagements on the given items (for its leads).</summary>
    public const string SummariesOfIntegratorItems = SummarySelect + " WHERE e.integrator_id = @IntegratorId AND e.item_id IN @ItemIds ORDER BY e.created_at, e.id";
}
