using System.Runtime.CompilerServices;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Financing;
using Marketplace.Core.Offerings;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Bulk;

public static class ExportKinds
{
    public const string Offerings = "offerings";
    public const string DemandLists = "demand-lists";
    public const string MatchEvents = "match-events";
    public const string FinancingNeeds = "financing-needs";

    public static readonly IReadOnlyList<string> Codes = [Offerings, DemandLists, MatchEvents, FinancingNeeds];

    /// <summary>The <c>status</c> values an export of <paramref name="kind"/> takes (none: it has no status filter).</summary>
    public static IReadOnlyList<string> StatusesOf(string kind) => kind switch
    {
        Offerings => ["live", "all"],
        DemandLists => [DemandListStatuses.Open, DemandListStatuses.Closed],
        _ => [],
    };

    /// <summary>The filters (request fields) an export of <paramref name="kind"/> applies; any other is refused, never ignored.</summary>
    public static IReadOnlyList<string> FiltersOf(string kind) => kind switch
    {
        Offerings => ["status"],
        DemandLists => ["status", "district"],
        MatchEvents => ["district", "direction", "from", "to"],
        FinancingNeeds => ["district", "direction", "from", "to"],
        _ => [],
    };
}

/// <summary>What an operator exports: the kind, and the filters that apply to it.</summary>
/// <param name="Status">Offerings: <c>live</c> (default, the public catalog) or <c>all</c>; demand lists: <c>open</c>, <c>closed</c> or all.</param>
/// <param name="From">Match events and financing needs: first day (China Standard Time), included.</param>
/// <param name="To">Last day, included.</param>
public sealed record ExportParameters(string Kind, string? Status, string? District, string? Direction, DateOnly? From, DateOnly? To);

public sealed record ExportResult(long Rows, string FileName, long Bytes);

/// <summary>
/// The operator exports (catalog, demand lists, match events, confirmed financing needs): fixed columns each
/// (docs/bulk-files.md), rows read from SQL a batch at a time (keyset paging) so a large export holds one batch in memory.
/// </summary>
public sealed class Exports(Database db, OfferingStore offerings, FinancingStore financing, TaxonomyCatalog taxonomy)
{
    public const int Batch = 1_000;

    public TableSheet Sheet(ExportParameters p, Actor requester, CancellationToken ct) => p.Kind switch
    {
        ExportKinds.Offerings => TableWriter.Sheet("方案目录", OfferingColumns(), LiveOrAll(p.Status != "all", ct)),
        ExportKinds.DemandLists => TableWriter.Sheet("需求清单", DemandColumns, DemandItemsAsync(p, ct)),
        ExportKinds.MatchEvents => TableWriter.Sheet("匹配事件", MatchColumns, MatchEventsAsync(p, ct)),
        ExportKinds.FinancingNeeds => TableWriter.Sheet(FinancingExport.SheetName, FinancingExport.Columns(taxonomy),
            financing.ConfirmedAsync(requester, new FinancingFilter(null, p.District, p.Direction, p.From, p.To), ct)),
        _ => throw new ArgumentOutOfRangeException(nameof(p), p.Kind, "unknown export kind"),
    };

    public static string FileName(ExportParameters p, TableFormat format, DateTimeOffset now) =>
        $"{p.Kind}-{now.ToOffset(ChinaTime.Offset):yyyyMMdd-HHmmss}.{format.Code()}";

    private async IAsyncEnumerable<Offering> LiveOrAll(bool liveOnly, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var batch in offerings.BatchesAsync(liveOnly, Batch, ct))
        {
            foreach (var offering in batch)
            {
                yield return offering;
            }
        }
    }

    /// <summary>The catalog: the content columns carry the import template's headers (the published revision of a live offering, else the working one).</summary>
    private IReadOnlyList<TableColumn<Offering>> OfferingColumns()
    {
        static OfferingContent C(Offering o) => (o.IsLive ? o.Published! : o.Working).Content;
        return
        [
            new("方案编号", o => o.Id.ToString("D")),
            // A live offering is published whatever its owner's revision is in; that revision's state has its own column.
            new("状态", o => (o.IsLive ? OfferingStatus.Published : o.Status).ToCode()),
            new("修订状态", o => o.IsLive && o.Status != OfferingStatus.Published ? o.Status.ToCode() : null),
            new("服务商编号", o => o.OwnerId.ToString("D")),
            new("服务商", o => o.OwnerName),
            new("类型", o => C(o).Type),
            new("标题", o => C(o).Title),
            new("摘要", o => C(o).Summary),
            new("详细描述", o => C(o).Description),
            new("重点方向", o => string.Join("、", C(o).Directions.Select(d => taxonomy.FindDirection(d)?.Name ?? d))),
            new("技术方向", o => string.Join("、", C(o).SubDirections.Select(s => taxonomy.FindSubDirection(s)?.Name ?? s))),
            new("关键词", o => string.Join("、", C(o).Keywords)),
            new("部署方式", o => C(o).Deployment),
            new("最低报价(元)", o => C(o).PriceMinYuan),
            new("最高报价(元)", o => C(o).PriceMaxYuan),
            new("实施周期(天)", o => C(o).ImplementationDays),
            new("服务区县", o => string.Join("、", C(o).Districts)),
            new("发布版本", o => o.Published?.Number),
            new("发布时间", o => o.PublishedAt),
            new("更新时间", o => o.UpdatedAt),
        ];
    }

    public sealed record DemandRow
    {
        public Guid ListId { get; init; }
        public string? Title { get; init; }
        public string Status { get; init; } = "";
        public Guid EnterpriseId { get; init; }
        public string EnterpriseName { get; init; } = "";
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public string? Scale { get; init; }
        public Guid ItemId { get; init; }
        public int Position { get; init; }
        public string Text { get; init; } = "";
        public string? Direction { get; init; }
        public string? SubDirection { get; init; }
        public string? EffectiveDirection { get; init; }
        public string? EffectiveSubDirection { get; init; }
        public long? BudgetYuan { get; init; }
        public int? WithinDays { get; init; }
        public double? BestScore { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    private static readonly IReadOnlyList<TableColumn<DemandRow>> DemandColumns =
    [
        new("清单编号", r => r.ListId.ToString("D")),
        new("清单标题", r => r.Title),
        new("清单状态", r => r.Status),
        new("企业编号", r => r.EnterpriseId.ToString("D")),
        new("企业名称", r => r.EnterpriseName),
        new("区县", r => r.District),
        new("所属行业", r => r.Industry),
        new("企业规模", r => r.Scale),
        new("需求项编号", r => r.ItemId.ToString("D")),
        new("序号", r => r.Position),
        new("需求内容", r => r.Text),
        new("重点方向", r => r.Direction),
        new("技术方向", r => r.SubDirection),
        new("识别方向", r => r.EffectiveDirection),
        new("识别技术方向", r => r.EffectiveSubDirection),
        new("预算(元)", r => r.BudgetYuan),
        new("期限(天)", r => r.WithinDays),
        new("最佳匹配分", r => r.BestScore),
        new("创建时间", r => r.CreatedAt),
        new("更新时间", r => r.UpdatedAt),
    ];

    private async IAsyncEnumerable<DemandRow> DemandItemsAsync(ExportParameters p, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = Guid.Empty;
        while (true)
        {
            DemandRow[] rows;
            await using (var c = await db.OpenAsync(ct))
            {
                var lists = (await c.QueryAsync<Guid>(db.Command(db.Dialect.Page(ExportSql.DemandListIds),
                    new { AfterId = after, p.Status, p.District, Skip = 0, Take = Batch }, ct: ct))).ToArray();
                if (lists.Length == 0)
                {
                    yield break;
                }
                after = lists[^1];
                rows = (await c.QueryAsync<DemandRow>(db.Command(ExportSql.DemandItems, new { ListIds = DapperTypeHandlers.ListParameter(lists) }, ct: ct))).ToArray();
            }
            foreach (var row in rows)
            {
                yield return row;
            }
        }
    }

    public sealed record MatchRow
    {
        public long Sequence { get; init; }
        public Guid EventId { get; init; }
        public DateTimeOffset OccurredAt { get; init; }
        public string Reason { get; init; } = "";
        public Guid ListId { get; init; }
        public Guid ItemId { get; init; }
        public string District { get; init; } = "";
        public string? Direction { get; init; }
        public double? BestScore { get; init; }
        public long Matches { get; init; }
        public Guid? TopOfferingId { get; init; }
        public string? TopTitle { get; init; }
        public string? TopSupplier { get; init; }
        public double? TopScore { get; init; }
    }

    private static readonly IReadOnlyList<TableColumn<MatchRow>> MatchColumns =
    [
        new("序号", r => r.Sequence),
        new("事件编号", r => r.EventId.ToString("D")),
        new("时间", r => r.OccurredAt),
        new("原因", r => r.Reason),
        new("清单编号", r => r.ListId.ToString("D")),
        new("需求项编号", r => r.ItemId.ToString("D")),
        new("企业区县", r => r.District),
        new("方向", r => r.Direction),
        new("匹配方案数", r => r.Matches),
        new("最佳匹配分", r => r.BestScore),
        new("第一名方案编号", r => r.TopOfferingId?.ToString("D")),
        new("第一名方案", r => r.TopTitle),
        new("第一名服务商", r => r.TopSupplier),
        new("第一名得分", r => r.TopScore),
    ];

    private async IAsyncEnumerable<MatchRow> MatchEventsAsync(ExportParameters p, [EnumeratorCancellation] CancellationToken ct)
    {
        var after = 0L;
        var from = p.From is { } f ? ChinaTime.StartOf(f) : (DateTimeOffset?)null;
        var to = p.To is { } t ? ChinaTime.EndOf(t) : (DateTimeOffset?)null;
        while (true)
        {
            MatchRow[] rows;
            await using (var c = await db.OpenAsync(ct))
            {
                rows = (await c.QueryAsync<MatchRow>(db.Command(db.Dialect.Page(ExportSql.MatchEvents),
                    new { After = after, p.District, p.Direction, From = from, To = to, Skip = 0, Take = Batch }, ct: ct))).ToArray();
            }
            if (rows.Length == 0)
            {
                yield break;
            }
            foreach (var row in rows)
            {
                yield return row;
            }
            after = rows[^1].Sequence;
        }
    }
}

internal static class ExportSql
{
    public const string DemandListIds = """
        SELECT l.id FROM demand_lists l JOIN organizations o ON o.id = l.owner_id
        WHERE l.id > @AfterId AND (@Status IS NULL OR l.status = @Status) AND (@District IS NULL OR o.district = @District)
        ORDER BY l.id
        """;

    public const string DemandItems = """
        SELECT l.id AS ListId, l.title AS Title, l.status AS Status, l.owner_id AS EnterpriseId, o.name AS EnterpriseName, o.district AS District,
               o.industry AS Industry, o.scale AS Scale, i.id AS ItemId, i.ordinal AS Position, i.item_text AS Text, i.direction AS Direction,
               i.sub_direction AS SubDirection, i.effective_direction AS EffectiveDirection, i.effective_sub_direction AS EffectiveSubDirection,
               i.budget_yuan AS BudgetYuan, i.within_days AS WithinDays, i.best_score AS BestScore, l.created_at AS CreatedAt, l.updated_at AS UpdatedAt
        FROM demand_lists l
        JOIN organizations o ON o.id = l.owner_id
        JOIN demand_items i ON i.list_id = l.id AND i.removed_at IS NULL
        WHERE l.id IN @ListIds
        ORDER BY l.id, i.ordinal
        """;

    /// <summary>Events after @After in feed order, each with its number of matches and its first-ranked offering.</summary>
    public const string MatchEvents = """
        SELECT e.seq AS Sequence, e.id AS EventId, e.occurred_at AS OccurredAt, e.reason AS Reason, e.list_id AS ListId, e.item_id AS ItemId,
               e.enterprise_district AS District, e.direction AS Direction, e.best_score AS BestScore,
               (SELECT COUNT(*) FROM match_results r WHERE r.event_id = e.id) AS Matches,
               top1.offering_id AS TopOfferingId, top1.title AS TopTitle, top1.supplier_name AS TopSupplier, top1.score AS TopScore
        FROM match_events e
        LEFT JOIN match_results top1 ON top1.event_id = e.id AND top1.ordinal = 1
        WHERE e.seq > @After
          AND (@District IS NULL OR e.enterprise_district = @District)
          AND (@Direction IS NULL OR e.direction = @Direction)
          AND (@From IS NULL OR e.occurred_at >= @From)
          AND (@To IS NULL OR e.occurred_at < @To)
        ORDER BY e.seq
        """;
}
