namespace Marketplace.Core.Demands;

internal static class DemandSql
{
    public const string ListColumns = """
        l.id AS Id, l.owner_id AS OwnerId, l.title AS Title, l.status AS Status, l.row_version AS RowVersion,
        l.created_at AS CreatedAt, l.updated_at AS UpdatedAt, l.closed_at AS ClosedAt, l.match_pending AS MatchPending
        """;

    public const string ListById = "SELECT " + ListColumns + " FROM demand_lists l WHERE l.id = @Id";

    public const string ItemsByList = """
        SELECT id AS Id, ordinal AS Position, item_text AS Text, direction AS Direction, sub_direction AS SubDirection,
               budget_yuan AS BudgetYuan, within_days AS WithinDays, effective_direction AS EffectiveDirection,
               effective_sub_direction AS EffectiveSubDirection
        FROM demand_items WHERE list_id = @ListId AND removed_at IS NULL ORDER BY ordinal
        """;

    public const string InsertList = """
        INSERT INTO demand_lists (id, owner_id, title, status, row_version, created_at, updated_at, closed_at, match_pending)
        VALUES (@Id, @OwnerId, @Title, 'open', 1, @Now, @Now, NULL, @MatchPending)
        """;

    public const string InsertItem = """
        INSERT INTO demand_items (id, list_id, ordinal, item_text, direction, sub_direction, budget_yuan, within_days,
                                  effective_direction, effective_sub_direction, latest_event_id, best_score, removed_at)
        VALUES (@Id, @ListId, @Position, @Text, @Direction, @SubDirection, @BudgetYuan, @WithinDays, NULL, NULL, NULL, NULL, NULL)
        """;

    public const string UpdateItem = """
        UPDATE demand_items
        SET ordinal = @Position, item_text = @Text, direction = @Direction, sub_direction = @SubDirection,
            budget_yuan = @BudgetYuan, within_days = @WithinDays
        WHERE id = @Id AND list_id = @ListId AND removed_at IS NULL
        """;

    /// <summary>
    /// Demand items whose owner stated the technology item asked for (the item not removed), newest lists first: owners'
    /// words labelled by the owners themselves. Paged.
    /// </summary>
    public const string StatedItems = """
        SELECT i.id AS ItemId, l.owner_id AS OwnerId, i.item_text AS Text, i.sub_direction AS SubDirection
        FROM demand_items i JOIN demand_lists l ON l.id = i.list_id
        WHERE i.sub_direction IS NOT NULL AND i.removed_at IS NULL
        ORDER BY l.created_at DESC, i.id
        """;

    public const string RemoveItem = "UPDATE demand_items SET removed_at = @Now WHERE id = @Id AND list_id = @ListId AND removed_at IS NULL";

    /// <summary>
    /// Optimistic change of an open list: rows affected 0 means it changed (or closed) under us. Matched now
    /// (@MatchPending null), it is no longer pending; not matched, it keeps the reason it was first stored with.
    /// </summary>
    public const string TouchList = """
        UPDATE demand_lists
        SET title = @Title, row_version = row_version + 1, updated_at = @Now,
            match_pending = CASE WHEN @MatchPending IS NULL THEN NULL ELSE COALESCE(match_pending, @MatchPending) END
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND status = 'open'
        """;

    /// <summary>Open lists stored while search was unavailable, oldest change first. Paged.</summary>
    public const string PendingLists = "SELECT l.id FROM demand_lists l WHERE l.match_pending IS NOT NULL AND l.status = 'open' ORDER BY l.updated_at, l.id";

    /// <summary>
    /// Takes a pending list's run for the caller: 0 rows when it was edited, closed or matched meanwhile. A new version
    /// (ETag): what the list shows changed from waiting to matched.
    /// </summary>
    public const string ClearPendingMatch = """
        UPDATE demand_lists SET match_pending = NULL, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND status = 'open' AND match_pending IS NOT NULL
        """;

    public const string CloseList = """
        UPDATE demand_lists SET status = 'closed', row_version = row_version + 1, updated_at = @Now, closed_at = @Now, match_pending = NULL
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND status = 'open'
        """;

    public const string CloseOpenList = """
        UPDATE demand_lists SET status = 'closed', row_version = row_version + 1, updated_at = @Now, closed_at = @Now, match_pending = NULL
        WHERE id = @Id AND status = 'open'
        """;

    private const string SummarySelect = """
        SELECT l.id AS Id, l.owner_id AS OwnerId, l.title AS Title, l.status AS Status,
               (SELECT COUNT(*) FROM demand_items i WHERE i.list_id = l.id AND i.removed_at IS NULL) AS ItemCount,
               l.created_at AS CreatedAt, l.updated_at AS UpdatedAt
        FROM demand_lists l
        """;

    public const string Summaries = SummarySelect + " WHERE (@OwnerId IS NULL OR l.owner_id = @OwnerId) ORDER BY l.updated_at DESC, l.id";

    public const string CountLists = "SELECT COUNT(*) FROM demand_lists l WHERE (@OwnerId IS NULL OR l.owner_id = @OwnerId)";
}
