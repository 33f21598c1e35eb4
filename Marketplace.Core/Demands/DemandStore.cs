using System.Data.Common;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Matching;
using Marketplace.Core.Offerings;
using Marketplace.Core.Organizations;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Demands;

/// <summary>
/// Demand lists. Creating a list matches every item first (editing one, the items that changed), then stores the list and
/// the match run (one match event per item matched) in one transaction, so what the feed shows always belongs to a stored list version.
/// While the search engine cannot answer, the list is stored without a run and marked pending; any node's
/// <see cref="MatchPendingAsync"/> writes its run once search answers again (an owner's submission is never lost to an
/// outage of the search engine).
/// </summary>
public sealed class DemandStore(Database db, OrganizationStore organizations, MatchRuns runs, TaxonomyCatalog taxonomy, TimeProvider clock)
{
    public const int MaxItems = 50;
    public const int TextMax = 1_000;
    public const int TitleMax = 200;

    private sealed class ListRow
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string? Title { get; init; }
        public string Status { get; init; } = "";
        public int RowVersion { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? ClosedAt { get; init; }
        public string? MatchPending { get; init; }
    }

    private sealed class ItemRow
    {
        public Guid Id { get; init; }
        public int Position { get; init; }
        public string Text { get; init; } = "";
        public string? Direction { get; init; }
        public string? SubDirection { get; init; }
        public long? BudgetYuan { get; init; }
        public int? WithinDays { get; init; }
        public string? EffectiveDirection { get; init; }
        public string? EffectiveSubDirection { get; init; }
    }

    private sealed class SummaryRow
    {
        public Guid Id { get; init; }
        public Guid OwnerId { get; init; }
        public string? Title { get; init; }
        public string Status { get; init; } = "";
        public long ItemCount { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
    }

    private sealed record ValidItem(Guid? Id, string Text, string? Direction, string? SubDirection, long? BudgetYuan, int? WithinDays);

    public async Task<DemandList> CreateAsync(Actor actor, DemandListInput? input, CancellationToken ct)
    {
        if (actor.Kind != OrganizationKind.Enterprise)
        {
            throw new ForbiddenException("只有企业可以提交需求清单 (only enterprises submit demand lists).");
        }
        var (title, items) = Validate(input, allowIds: false, existing: null);
        var enterprise = await organizations.GetAsync(actor.OrganizationId, ct);
        var toMatch = items.Select(i => new ItemToMatch(Guid.NewGuid(), i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays)).ToArray();
        var list = await PrepareAsync(enterprise, title, toMatch, ct);
        await db.InTransactionAsync(async (c, t) =>
        {
            await runs.LockAsync(c, t, ct);
            await InsertAsync(c, t, list, MatchEventReasons.ListCreated, clock.GetUtcNow(), ct);
        }, ct);
        return await GetAsync(actor, list.Id, ct);
    }

    /// <summary>
    /// A new list for an enterprise with its items matched, ready to be written (matching runs outside any transaction);
    /// <see cref="Outcomes"/> is null when search could not answer and the list is to be matched later.
    /// </summary>
    public sealed record PreparedList(Guid Id, Organization Enterprise, string? Title, IReadOnlyList<ItemToMatch> Items, IReadOnlyList<ItemMatchOutcome>? Outcomes);

    /// <summary>A list matched now, or while search cannot answer a list to store as pending (matched by <see cref="MatchPendingAsync"/>).</summary>
    public async Task<PreparedList> PrepareAsync(Organization enterprise, string? title, IReadOnlyList<ItemToMatch> items, CancellationToken ct) =>
        new(Guid.NewGuid(), enterprise, title, items, await ComputeOrDeferAsync(items, enterprise, ct));

    /// <summary>The items' outcomes, or null while the search engine cannot answer (the caller stores the list as pending).</summary>
    private async Task<IReadOnlyList<ItemMatchOutcome>?> ComputeOrDeferAsync(IReadOnlyList<ItemToMatch> items, Organization enterprise, CancellationToken ct)
    {
        try
        {
            return await runs.ComputeAsync(items, Profile(enterprise), ct);
        }
        catch (SearchIndexUnavailableException)
        {
            return null;
        }
    }

    /// <summary>
    /// Writes a prepared list and its first match run (or, not matched yet, marks it pending with <paramref name="reason"/>)
    /// in the caller's transaction; the caller holds <see cref="MatchRuns.LockAsync"/>.
    /// </summary>
    public async Task InsertAsync(DbConnection c, DbTransaction t, PreparedList list, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var pending = list.Outcomes is null ? reason : null;
        await c.ExecuteAsync(db.Command(DemandSql.InsertList, new { list.Id, OwnerId = list.Enterprise.Id, list.Title, Now = now, MatchPending = pending }, t, ct));
        for (var n = 0; n < list.Items.Count; n++)
        {
            await c.ExecuteAsync(db.Command(DemandSql.InsertItem, ItemArgs(list.Id, n + 1, list.Items[n]), t, ct));
        }
        if (list.Outcomes is not null)
        {
            await runs.WriteRunAsync(c, t, list.Id, list.Enterprise.District, reason, list.Outcomes, now, ct);
        }
    }

    /// <summary>
    /// Matches up to <paramref name="take"/> lists stored while search could not answer (oldest change first) and writes
    /// each one's run with the reason it was stored with. A list edited, closed or matched by another node meanwhile is
    /// left to that change; nodes may run this together. Stops at the first search that still cannot answer. Returns the
    /// number of runs written.
    /// </summary>
    public async Task<int> MatchPendingAsync(int take, CancellationToken ct)
    {
        Guid[] pending;
        await using (var c = await db.OpenAsync(ct))
        {
            pending = (await c.QueryAsync<Guid>(db.Command(db.Dialect.Page(DemandSql.PendingLists), new { Skip = 0, Take = take }, ct: ct))).ToArray();
        }
        var written = 0;
        foreach (var id in pending)
        {
            if (await FindAsync(id, ct) is not { IsOpen: true, MatchPending: { } reason } list)
            {
                continue;
            }
            var enterprise = await organizations.GetAsync(list.OwnerId, ct);
            var items = list.Items.Select(i => new ItemToMatch(i.Id, i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays)).ToArray();
            if (await ComputeOrDeferAsync(items, enterprise, ct) is not { } outcomes)
            {
                break;
            }
            var wrote = await db.InTransactionAsync(async (c, t) =>
            {
                await runs.LockAsync(c, t, ct);
                var now = clock.GetUtcNow();
                if (await c.ExecuteAsync(db.Command(DemandSql.ClearPendingMatch, new { list.Id, ExpectedRowVersion = list.RowVersion, Now = now }, t, ct)) == 0)
                {
                    return false;
                }
                await runs.WriteRunAsync(c, t, list.Id, enterprise.District, reason, outcomes, now, ct);
                return true;
            }, ct);
            written += wrote ? 1 : 0;
        }
        return written;
    }

    /// <summary>Closes an open list in the caller's transaction (e.g. one superseded by a corrected diagnosis report).</summary>
    public async Task CloseAsync(DbConnection c, DbTransaction t, Guid id, DateTimeOffset now, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(DemandSql.CloseOpenList, new { Id = id, Now = now }, t, ct));

    /// <summary>Demand items whose owner stated the technology item, newest lists first (at most <paramref name="take"/>): matching learns owners' words from them.</summary>
    public async Task<IReadOnlyList<StatedDemand>> StatedItemsAsync(int take, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<StatedDemand>(db.Command(db.Dialect.Page(DemandSql.StatedItems), new { Skip = 0, Take = take }, ct: ct))).ToArray();
    }

    /// <summary>The list as <paramref name="actor"/> may see it: the owner, operators, the capability center and its district's office; others get 404.</summary>
    public async Task<DemandList> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var list = await FindAsync(id, ct);
        if (list is null || !(CanRead(actor, list.OwnerId) || await IsOfDistrictAsync(actor, list.OwnerId, ct)))
        {
            throw NotFound(id);
        }
        return list;
    }

    /// <summary>A district office reads the lists of its own district's enterprises (those its plan and diagnoses link).</summary>
    private async Task<bool> IsOfDistrictAsync(Actor actor, Guid ownerId, CancellationToken ct) =>
        actor.Is(OrganizationKind.District)
        && (await organizations.FindAsync(ownerId, ct))?.District is { } district
        && district == await organizations.HomeDistrictAsync(actor, ct);

    public static bool CanRead(Actor actor, Guid ownerId) =>
        actor.IsOperator || actor.Kind == OrganizationKind.CapabilityCenter || actor.OrganizationId == ownerId;

    public async Task<DemandList?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<ListRow>(db.Command(DemandSql.ListById, new { Id = id }, ct: ct));
        if (row is null)
        {
            return null;
        }
        var items = await c.QueryAsync<ItemRow>(db.Command(DemandSql.ItemsByList, new { ListId = id }, ct: ct));
        return new DemandList(row.Id, row.OwnerId, row.Title, row.Status, row.RowVersion,
            items.Select(i => new DemandItem(i.Id, i.Position, i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays, i.EffectiveDirection, i.EffectiveSubDirection)).ToArray(),
            row.CreatedAt, row.UpdatedAt, row.ClosedAt, row.MatchPending);
    }

    /// <summary>Enterprises see their own lists; operators and the capability center see every list.</summary>
    public async Task<PagedList<DemandListSummary>> ListAsync(Actor actor, int page, int pageSize, CancellationToken ct)
    {
        Guid? ownerId = actor.Kind switch
        {
            OrganizationKind.Enterprise => actor.OrganizationId,
            OrganizationKind.Operator or OrganizationKind.CapabilityCenter => null,
            _ => throw new ForbiddenException("只有企业、运营方和能力中心可以列出需求清单 (only enterprises, operators and the capability center list demand lists; integrators see /api/v1/leads, district offices read the lists their diagnoses link to)."),
        };
        await using var c = await db.OpenAsync(ct);
        var args = new { OwnerId = ownerId, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(DemandSql.CountLists, args, ct: ct));
        var rows = await c.QueryAsync<SummaryRow>(db.Command(db.Dialect.Page(DemandSql.Summaries), args, ct: ct));
        return new PagedList<DemandListSummary>(
            rows.Select(r => new DemandListSummary(r.Id, r.OwnerId, r.Title, r.Status, (int)r.ItemCount, r.CreatedAt, r.UpdatedAt)).ToArray(), page, pageSize, total);
    }

    /// <summary>
    /// Replaces the title and items (items sent with their id keep it) and matches the items that are new or whose text,
    /// direction, technology item, budget or deadline changed; the others keep their latest run (a title edit or a new
    /// order of items stores no run). A list never matched yet is matched whole.
    /// </summary>
    public async Task<DemandList> UpdateAsync(Actor actor, Guid id, string? ifMatch, DemandListInput? input, CancellationToken ct)
    {
        var list = await GetOwnedAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "需求清单");
        Preconditions.CheckIfMatch(ifMatch, list.ETag, "需求清单");
        if (!list.IsOpen)
        {
            throw new ConflictException("需求清单已关闭，不能修改 (the demand list is closed).");
        }
        var (title, items) = Validate(input, allowIds: true, existing: list.Items.Select(i => i.Id).ToHashSet());
        var enterprise = await organizations.GetAsync(list.OwnerId, ct);
        var toMatch = items.Select(i => new ItemToMatch(i.Id ?? Guid.NewGuid(), i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays)).ToArray();
        var stored = list.Items.ToDictionary(i => i.Id, i => new ItemToMatch(i.Id, i.Text, i.Direction, i.SubDirection, i.BudgetYuan, i.WithinDays));
        var changed = list.MatchPending is null
            ? toMatch.Where(i => !stored.TryGetValue(i.ItemId, out var before) || before != i).ToArray()
            : toMatch;
        var outcomes = changed.Length == 0 ? [] : await ComputeOrDeferAsync(changed, enterprise, ct);
        var kept = items.Where(i => i.Id is not null).Select(i => i.Id!.Value).ToHashSet();
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            await runs.LockAsync(c, t, ct);
            var touched = await c.ExecuteAsync(db.Command(DemandSql.TouchList,
                new { Id = id, Title = title, Now = now, ExpectedRowVersion = list.RowVersion, MatchPending = outcomes is null ? MatchEventReasons.ListUpdated : null }, t, ct));
            if (touched == 0)
            {
                throw new PreconditionFailedException("需求清单已被修改或关闭，请重新获取后再试 (the list changed meanwhile; fetch it again).");
            }
            foreach (var removed in list.Items.Where(i => !kept.Contains(i.Id)))
            {
                await c.ExecuteAsync(db.Command(DemandSql.RemoveItem, new { removed.Id, ListId = id, Now = now }, t, ct));
            }
            for (var n = 0; n < toMatch.Length; n++)
            {
                var sql = kept.Contains(toMatch[n].ItemId) ? DemandSql.UpdateItem : DemandSql.InsertItem;
                await c.ExecuteAsync(db.Command(sql, ItemArgs(id, n + 1, toMatch[n]), t, ct));
            }
            if (outcomes is { Count: > 0 })
            {
                // A list never matched yet (stored while search was unavailable) gets the run it was stored for: its first.
                await runs.WriteRunAsync(c, t, id, enterprise.District, list.MatchPending ?? MatchEventReasons.ListUpdated, outcomes, now, ct);
            }
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>Closes an open list: it keeps its matches but is no longer re-matched or offered as a lead.</summary>
    public async Task<DemandList> CloseAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var list = await GetOwnedAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, list.ETag, "需求清单");
        if (!list.IsOpen)
        {
            throw new ConflictException("需求清单已关闭 (the demand list is already closed).");
        }
        // Under the match writers' lock: a re-match run checks that its list is open under it, so on SQL Server (where
        // writers do not queue) none is written to a list closed a moment earlier.
        var affected = await db.InTransactionAsync(async (c, t) =>
        {
            await runs.LockAsync(c, t, ct);
            return await c.ExecuteAsync(db.Command(DemandSql.CloseList, new { Id = id, Now = clock.GetUtcNow(), ExpectedRowVersion = list.RowVersion }, t, ct));
        }, ct);
        if (affected == 0)
        {
            throw new PreconditionFailedException("需求清单已被修改或关闭，请重新获取后再试 (the list changed meanwhile; fetch it again).");
        }
        return await GetAsync(actor, id, ct);
    }

    public static EnterpriseProfile Profile(Organization enterprise) => new(enterprise.District, enterprise.Industry, enterprise.Scale);

    private async Task<DemandList> GetOwnedAsync(Actor actor, Guid id, CancellationToken ct)
    {
        var list = await GetAsync(actor, id, ct);
        if (list.OwnerId != actor.OrganizationId)
        {
            throw new ForbiddenException("只有需求清单的提交企业可以执行此操作 (only the list's enterprise can do this).");
        }
        return list;
    }

    private static object ItemArgs(Guid listId, int position, ItemToMatch item) => new
    {
        Id = item.ItemId,
        ListId = listId,
        Position = position,
        item.Text,
        item.Direction,
        item.SubDirection,
        item.BudgetYuan,
        item.WithinDays,
    };

    private (string? Title, IReadOnlyList<ValidItem> Items) Validate(DemandListInput? input, bool allowIds, IReadOnlySet<Guid>? existing)
    {
        var v = new Validator();
        var title = string.IsNullOrWhiteSpace(input?.Title) ? null : input.Title.Trim();
        v.Text("title", title, TitleMax);
        var items = new List<ValidItem>();
        if (input?.Items is null || input.Items.Count == 0)
        {
            v.Add("items", $"至少 1 项需求 (at least one item; at most {MaxItems}).");
        }
        else if (input.Items.Count > MaxItems)
        {
            v.Add("items", $"最多 {MaxItems} 项需求 (at most {MaxItems} items; got {input.Items.Count}).");
        }
        else
        {
            var seen = new HashSet<Guid>();
            var sameAs = new Dictionary<(string, string?, string?, long?, int?), int>();
            for (var n = 0; n < input.Items.Count; n++)
            {
                var field = $"items[{n}]";
                var item = input.Items[n];
                if (item is null)
                {
                    v.Add(field, "必填 (required).");
                    continue;
                }
                if (item.Id is { } itemId)
                {
                    if (!allowIds)
                    {
                        v.Add($"{field}.id", "新建清单时不能指定 id (ids are assigned by the server).");
                    }
                    else if (existing is null || !existing.Contains(itemId))
                    {
                        v.Add($"{field}.id", $"清单中没有需求项 {itemId} (no such item in this list; omit id for a new item).");
                    }
                    else if (!seen.Add(itemId))
                    {
                        v.Add($"{field}.id", $"需求项 {itemId} 重复 (item sent twice).");
                    }
                }
                var text = item.Text?.Trim();
                if (v.Required($"{field}.text", text))
                {
                    v.Text($"{field}.text", text, TextMax);
                    // Punctuation, symbols or emoji alone say nothing to match (they were matched to arbitrary offerings).
                    if (!text!.Any(char.IsLetterOrDigit))
                    {
                        v.Add($"{field}.text", "需求描述需包含文字，不能只有标点、符号或表情 (the text must contain words, not only punctuation, symbols or emoji).");
                    }
                }
                var (direction, subDirection) = TaxonomyChecks.Single(taxonomy, v, field, item.Direction, item.SubDirection);
                v.Budget($"{field}.budgetYuan", item.BudgetYuan);
                v.Range($"{field}.withinDays", item.WithinDays, 1, Limits.MaxDays);
                // The same item twice would be matched, led and counted twice (leads, the feed, supply-and-demand statistics).
                var key = (text ?? "", direction, subDirection, item.BudgetYuan, item.WithinDays);
                if (text is not null && !sameAs.TryAdd(key, n))
                {
                    v.Add($"{field}.text", $"与第 {sameAs[key] + 1} 项重复 (the same item as items[{sameAs[key]}]).");
                }
                items.Add(new ValidItem(item.Id, text ?? "", direction, subDirection, item.BudgetYuan, item.WithinDays));
            }
        }
        v.ThrowIfAny();
        return (title, items);
    }


    private static NotFoundException NotFound(Guid id) => new($"需求清单 {id} 不存在 (demand list not found).");
}
