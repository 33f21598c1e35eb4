namespace Marketplace.Core.Matching;

internal static class MatchSql
{
    public const string InsertRun = "INSERT INTO match_runs (id, list_id, reason, computed_at) VALUES (@Id, @ListId, @Reason, @Now)";

    public const string InsertEvent = """
        INSERT INTO match_events (id, run_id, list_id, item_id, enterprise_district, direction, reason, occurred_at, inferred, best_score, need)
        VALUES (@Id, @RunId, @ListId, @ItemId, @District, @Direction, @Reason, @Now, @Inferred, @BestScore, @Need)
        """;

    public const string InsertResult = """
        INSERT INTO match_results (event_id, ordinal, offering_id, revision_id, title, supplier_id, supplier_name, score, reasons, matched_terms)
        VALUES (@EventId, @Ordinal, @OfferingId, @RevisionId, @Title, @SupplierId, @SupplierName, @Score, @Reasons, @MatchedTerms)
        """;

    public const string PointItemAtEvent = """
        UPDATE demand_items
        SET latest_event_id = @EventId, best_score = @BestScore, effective_direction = @EffectiveDirection, effective_sub_direction = @EffectiveSubDirection
        WHERE id = @ItemId
        """;

    /// <summary>The latest event of every active item of a list.</summary>
    public const string LatestEventsOfList = """
        SELECT e.id AS EventId, e.seq AS Sequence, e.run_id AS RunId, e.item_id AS ItemId, e.occurred_at AS OccurredAt, e.inferred AS Inferred,
               e.need AS Need
        FROM demand_items i JOIN match_events e ON e.id = i.latest_event_id
        WHERE i.list_id = @ListId AND i.removed_at IS NULL
        """;

    public const string ResultsOfEvents = """
        SELECT event_id AS EventId, ordinal AS Ordinal, offering_id AS OfferingId, revision_id AS RevisionId, title AS Title,
               supplier_id AS SupplierId, supplier_name AS SupplierName, score AS Score, reasons AS Reasons, matched_terms AS MatchedTerms
        FROM match_results WHERE event_id IN @EventIds AND ordinal <= @TopK
        ORDER BY event_id, ordinal
        """;

    /// <summary>The feed's columns of events' results: no reasons or matched terms (JSON the feed does not show).</summary>
    public const string FeedResultsOfEvents = """
        SELECT event_id AS EventId, ordinal AS Ordinal, offering_id AS OfferingId, revision_id AS RevisionId, title AS Title,
               supplier_id AS SupplierId, supplier_name AS SupplierName, score AS Score
        FROM match_results WHERE event_id IN @EventIds AND ordinal <= @TopK
        ORDER BY event_id, ordinal
        """;

    /// <summary>The offerings of an item's current latest stored matches (before a new run points it elsewhere).</summary>
    public const string OfferingsOfItemsLatestEvent = """
        SELECT r.offering_id FROM demand_items i JOIN match_results r ON r.event_id = i.latest_event_id WHERE i.id = @ItemId
        """;

    public const string ListOwner = """
        SELECT l.owner_id AS OwnerId, o.name AS Name, o.district AS District, o.industry AS Industry, o.disclose_name AS DiscloseName
        FROM demand_lists l JOIN organizations o ON o.id = l.owner_id WHERE l.id = @ListId
        """;

    public const string SequenceOfEvent = "SELECT seq FROM match_events WHERE id = @Id";

    public const string OfferingIdsOfEvent = "SELECT offering_id FROM match_results WHERE event_id = @EventId";

    public const string Feed = """
        SELECT seq AS Sequence, id AS EventId, list_id AS ListId, item_id AS ItemId, run_id AS RunId, enterprise_district AS EnterpriseDistrict,
               direction AS Direction, occurred_at AS OccurredAt, reason AS Reason
        FROM match_events
        WHERE seq > @After
          AND (@District IS NULL OR enterprise_district = @District)
          AND (@Direction IS NULL OR direction = @Direction OR (@Direction = @Unclassified AND direction IS NULL))
        ORDER BY seq
        """;

    /// <summary>The feed's head: the last sequence number committed (0 while the feed is empty). Shared by both dialects.</summary>
    public const string FeedHead = "SELECT COALESCE(MAX(seq), 0) FROM match_events";

    /// <summary>Open items that are matched (not pending), with what matching them again needs; callers add a condition and the order.</summary>
    private const string OpenItemsToRematch = """
        SELECT i.id AS ItemId, i.list_id AS ListId, l.row_version AS ListRowVersion, i.latest_event_id AS LatestEventId,
               i.ordinal AS Position, i.item_text AS Text, i.direction AS Direction, i.sub_direction AS SubDirection,
               i.budget_yuan AS BudgetYuan, i.within_days AS WithinDays,
               org.district AS District, org.industry AS Industry, org.scale AS Scale
        FROM demand_items i
        JOIN demand_lists l ON l.id = i.list_id
        JOIN organizations org ON org.id = l.owner_id
        WHERE l.status = 'open' AND l.match_pending IS NULL AND i.removed_at IS NULL
        """;

    /// <summary>
    /// Open items whose stated or top inferred direction is one of @Directions, or that have none (text alone may match), and
    /// those that ever showed one of the offerings @Ids (an offering published again after it was retired: the re-run that
    /// dropped it may have read the item in another direction).
    /// </summary>
    public const string RematchCandidates = OpenItemsToRematch + """
          AND (i.effective_direction IN @Directions OR i.direction IN @Directions OR i.effective_direction IS NULL
               OR i.id IN (SELECT e.item_id FROM match_results r JOIN match_events e ON e.id = r.event_id WHERE r.offering_id IN @Ids))
        ORDER BY i.list_id, i.ordinal
        """;

    /// <summary>Of @Ids, the offerings no longer live (retired, or never published).</summary>
    public const string WithdrawnOfferings = "SELECT id FROM offerings WHERE id IN @Ids AND (published_revision_id IS NULL OR status = 'retired')";

    /// <summary>Open items whose current matches (their latest event's results) show one of the offerings @Ids.</summary>
    public const string ItemsShowingOfferings = OpenItemsToRematch + """
          AND i.latest_event_id IN (SELECT r.event_id FROM match_results r WHERE r.offering_id IN @Ids)
        ORDER BY i.list_id, i.ordinal
        """;

    public const string ItemState = """
        SELECT l.row_version AS ListRowVersion, l.status AS Status, i.latest_event_id AS LatestEventId
        FROM demand_items i JOIN demand_lists l ON l.id = i.list_id
        WHERE i.id = @ItemId AND i.removed_at IS NULL
        """;

    public const string LiveOfferingContents = """
        SELECT p.content
        FROM offerings o JOIN offering_revisions p ON p.id = o.published_revision_id
        WHERE o.status <> 'retired'
        """;

    public const string OpenDemandItems = """
        SELECT i.id AS ItemId, i.list_id AS ListId, i.effective_direction AS Direction, i.effective_sub_direction AS SubDirection,
               i.best_score AS BestScore, org.district AS District
        FROM demand_items i
        JOIN demand_lists l ON l.id = i.list_id
        JOIN organizations org ON org.id = l.owner_id
        WHERE l.status = 'open' AND i.removed_at IS NULL
        ORDER BY i.list_id, i.ordinal
        """;

    // Driven from the integrator's own offerings (their results through ix_match_results_offering), not from every open
    // item's 50 results: the cost follows the integrator's share of the matches, not all enterprises' demand.
    private const string LeadWhere = """
        WHERE l.status = 'open' AND i.removed_at IS NULL
          AND i.latest_event_id IN (SELECT r.event_id FROM match_results r JOIN offerings o ON o.id = r.offering_id
                                    WHERE o.owner_id = @SupplierId)
        """;

    public const string CountLeads = "SELECT COUNT(*) FROM demand_items i JOIN demand_lists l ON l.id = i.list_id " + LeadWhere;

    public const string Leads = """
        SELECT i.id AS ItemId, i.list_id AS ListId, i.item_text AS Text, i.budget_yuan AS BudgetYuan, i.within_days AS WithinDays,
               i.effective_direction AS Direction, i.latest_event_id AS EventId,
               org.name AS EnterpriseName, org.district AS District, org.industry AS Industry, org.disclose_name AS DiscloseName,
               l.updated_at AS UpdatedAt
        FROM demand_items i
        JOIN demand_lists l ON l.id = i.list_id
        JOIN organizations org ON org.id = l.owner_id
        """ + " " + LeadWhere + " ORDER BY l.updated_at DESC, i.list_id, i.ordinal";

    public const string LeadMatches = """
        SELECT r.event_id AS EventId, r.ordinal AS Ordinal, r.offering_id AS OfferingId, r.revision_id AS RevisionId, r.title AS Title, r.score AS Score
        FROM match_results r JOIN offerings o ON o.id = r.offering_id
        WHERE r.event_id IN @EventIds AND o.owner_id = @SupplierId
        ORDER BY r.event_id, r.ordinal
        """;
}
