using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

public class LuceneOfferingIndexTests : OfferingIndexConformance
{
    private static readonly CancellationToken None = CancellationToken.None;
    private readonly List<LuceneOfferingIndex> _indexes = [];
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = Directory.CreateTempSubdirectory("marketplace-lucene-").FullName;

    [TearDown]
    public void DeleteFolder()
    {
        _indexes.ForEach(i => i.Dispose());
        _indexes.Clear();
        Directory.Delete(_root, recursive: true);
    }

    protected override async Task<IOfferingIndex> CreateIndexAsync() => await OpenAsync(Path.Combine(_root, $"index-{_indexes.Count}"));

    private async Task<LuceneOfferingIndex> OpenAsync(string directory)
    {
        var index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = directory }, Thesaurus.Default, TaxonomyCatalog.Default);
        _indexes.Add(index);
        await index.EnsureCreatedAsync(None);
        return index;
    }

    private static async Task<Guid[]> AllIdsAsync(IOfferingIndex index) =>
        (await index.SearchAsync(new OfferingSearchRequest { Limit = 200 }, None)).Hits.Select(h => h.Id).ToArray();

    [TestCase(false)]
    [TestCase(true)]
    public async Task Relevance_cursor_paging_ends_and_misses_no_offering_while_others_are_published(bool matching)
    {
        var index = await OpenAsync(Path.Combine(_root, $"paging-{matching}"));
        var stable = Enumerable.Range(0, 30).Select(i => Doc(i % 3 == 0 ? "数控车床改造 数控车床" : i % 3 == 1 ? "数控车床" : "数控车床联网改造")).ToArray();
        await index.WriteAsync(stable, None);

        var seen = new List<Guid>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await index.SearchAsync(new() { Text = "数控车床", Limit = 7, Cursor = cursor }, None);
            seen.AddRange(page.Hits.Select(h => h.Id));
            cursor = page.NextCursor;
            pages++;
            // Every write moves every score (document count, average length): the next page must still find its place.
            await index.WriteAsync(Enumerable.Range(0, 3).Select(_ => Doc(matching ? "数控车床" : "食品杀菌设备 食品杀菌")).ToArray(), None);
        }
        while (cursor is not null && pages < 40);

        Assert.That(cursor, Is.Null, $"paging ended ({pages} pages)");
        Assert.That(seen, Is.SupersetOf(stable.Select(d => d.Id)), "no offering that stayed live was skipped");
        if (!matching)
        {
            Assert.That(seen, Is.Unique);
        }
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task Relevance_cursor_paging_skips_no_offering_that_stayed_live_when_earlier_ones_are_retired(bool lastHitRetired)
    {
        var index = await OpenAsync(Path.Combine(_root, $"retired-{lastHitRetired}"));
        var offerings = Enumerable.Range(0, 9).Select(_ => Doc("造纸清洁生产")).ToArray();
        await index.WriteAsync(offerings, None);

        var first = await index.SearchAsync(new() { Text = "造纸清洁生产", Limit = 3 }, None);
        var shown = first.Hits.Select(h => h.Id).ToList();
        // Retire two of the first page (with or without its last hit): every later hit moves up.
        var retired = lastHitRetired ? new[] { shown[1], shown[2] } : new[] { shown[0], shown[1] };
        await index.WriteAsync(retired.Select(id => offerings.Single(o => o.Id == id) with { Version = 2, Live = false }).ToArray(), None);

        var cursor = first.NextCursor;
        while (cursor is not null)
        {
            var page = await index.SearchAsync(new() { Text = "造纸清洁生产", Limit = 3, Cursor = cursor }, None);
            shown.AddRange(page.Hits.Select(h => h.Id));
            cursor = page.NextCursor;
        }
        Assert.That(shown, Is.SupersetOf(offerings.Select(o => o.Id).Except(retired)), "every offering that stayed live was shown");
    }

    public enum Change { LastHitEditedToScoreLower, ManyPublishedAbove, TwoRetiredWithTheLastHitAndOnePublishedBelow }

    [TestCase(Change.LastHitEditedToScoreLower, true)]
    [TestCase(Change.ManyPublishedAbove, true)]
    [TestCase(Change.TwoRetiredWithTheLastHitAndOnePublishedBelow, true)]
    [TestCase(Change.LastHitEditedToScoreLower, false)]
    [TestCase(Change.ManyPublishedAbove, false)]
    public async Task A_cursor_goes_on_over_the_ranking_it_began_whatever_changes_between_pages(Change change, bool snapshotKept)
    {
        var index = await OpenAsync(Path.Combine(_root, $"{change}-{snapshotKept}"));
        const string query = "造纸清洁生产";
        var offerings = Enumerable.Range(0, 9).Select(_ => Doc(change == Change.ManyPublishedAbove ? "造纸清洁生产 以及 其他 文字 机床 视觉" : query)).ToArray();
        await index.WriteAsync(offerings, None);
        var first = await index.SearchAsync(new() { Text = query, Limit = 3 }, None);
        var shown = first.Hits.Select(h => h.Id).ToList();
        const string longerTitle = "造纸清洁生产 以及 很多 其他 无关 的 文字 机床 视觉 检测 仓储 物流 冲压 注塑";
        Guid[] retired = [];
        switch (change)
        {
            case Change.LastHitEditedToScoreLower:
                await index.WriteAsync([offerings.Single(o => o.Id == shown[2]) with { Version = 2, Title = longerTitle, Summary = "机床" }], None);
                break;
            case Change.ManyPublishedAbove:
                await index.WriteAsync(Enumerable.Range(0, 101).Select(_ => Doc(query)).ToArray(), None);
                break;
            case Change.TwoRetiredWithTheLastHitAndOnePublishedBelow:
                retired = [shown[1], shown[2]];
                await index.WriteAsync([.. retired.Select(id => offerings.Single(o => o.Id == id) with { Version = 2, Live = false }), Doc(longerTitle)], None);
                break;
        }
        if (!snapshotKept)
        {
            index.DropPagingSnapshots();
        }

        var cursor = first.NextCursor;
        for (var pages = 0; cursor is not null && pages < 100; pages++)
        {
            var page = await index.SearchAsync(new() { Text = query, Limit = 3, Cursor = cursor }, None);
            shown.AddRange(page.Hits.Select(h => h.Id));
            cursor = page.NextCursor;
        }
        Assert.That(cursor, Is.Null, "paging ended");
        Assert.That(shown, Is.SupersetOf(offerings.Select(o => o.Id).Except(retired)), "every offering that stayed was shown");
        if (snapshotKept)
        {
            Assert.That(shown, Is.EquivalentTo(offerings.Select(o => o.Id)), "the ranking it began: each offering once, none published since");
        }
    }

    [Test]
    public async Task Repeated_searches_are_answered_from_the_cache_until_the_next_write()
    {
        var index = await OpenAsync(Path.Combine(_root, "cached"));
        var first = Doc("弧焊机器人工作站");
        await index.WriteAsync([first], None);
        var request = new OfferingSearchRequest { Text = "弧焊机器人" };

        var once = await index.SearchAsync(request, None);
        var twice = await index.SearchAsync(request with { }, None);
        Assert.That(twice, Is.SameAs(once), "an identical request on the same reader is served from the cache");

        var second = Doc("弧焊机器人焊接单元");
        await index.WriteAsync([second], None);
        var afterWrite = await index.SearchAsync(request, None);
        Assert.That(afterWrite.Hits.Select(h => h.Id), Does.Contain(second.Id), "a write opens a new reader and so a new cache");

        await index.WriteAsync([OfferingDocument.Tombstone(first.Id, 2)], None);
        Assert.That((await index.SearchAsync(request, None)).Hits.Select(h => h.Id), Does.Not.Contain(first.Id));

        // Large pages are not kept: the cache is bounded by entries, not bytes.
        var large = request with { Limit = 100 };
        Assert.That(await index.SearchAsync(large, None), Is.Not.SameAs(await index.SearchAsync(large with { }, None)));
    }

    [Test]
    public async Task A_rebuild_swaps_in_a_new_generation_and_keeps_writes_made_meanwhile()
    {
        var directory = Path.Combine(_root, "rebuilt");
        var index = await OpenAsync(directory);
        var dropped = Doc("只在旧索引中");
        var updated = Doc("旧版本标题");
        await index.WriteAsync([dropped, updated], None);

        var rebuild = await index.BeginRebuildAsync(None);
        var fromSql = Enumerable.Range(0, 50).Select(i => Doc($"重建方案{i}")).Append(updated with { Version = 2, Title = "快照版本" }).ToList();
        await rebuild.AddAsync(fromSql.Take(20).ToList(), None);
        var writtenDuringRebuild = Doc("重建期间发布");
        await index.WriteAsync([writtenDuringRebuild, updated with { Version = 3, Title = "重建期间更新" }], None);
        Assert.That(await AllIdsAsync(index), Is.EquivalentTo(new[] { dropped.Id, updated.Id, writtenDuringRebuild.Id }), "the old index serves until the swap");
        await rebuild.AddAsync(fromSql.Skip(20).ToList(), None); // holds the older version 2 of `updated`
        await rebuild.SwapAsync(None);
        await rebuild.DisposeAsync();

        var ids = await AllIdsAsync(index);
        Assert.That(ids, Does.Not.Contain(dropped.Id));
        Assert.That(ids, Does.Contain(writtenDuringRebuild.Id));
        Assert.That(ids, Has.Length.EqualTo(52));
        var hit = (await index.SearchAsync(new() { Text = "重建期间更新" }, None)).Hits.First();
        Assert.That(hit.Title, Is.EqualTo("重建期间更新"));
        Assert.That(index.CurrentGeneration, Is.EqualTo(2));
        Assert.That(Directory.GetDirectories(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "gen-2" }));
    }

    [Test]
    public async Task An_abandoned_rebuild_leaves_the_live_index_alone()
    {
        var directory = Path.Combine(_root, "abandoned");
        var index = await OpenAsync(directory);
        var doc = Doc("数控车床");
        await index.WriteAsync([doc], None);

        await using (var rebuild = await index.BeginRebuildAsync(None))
        {
            await rebuild.AddAsync([Doc("不会上线")], None);
        }

        Assert.That(await AllIdsAsync(index), Is.EqualTo(new[] { doc.Id }));
        Assert.That(Directory.GetDirectories(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "gen-1" }));
        await using var again = await index.BeginRebuildAsync(None); // a new one may start
    }

    [Test]
    public async Task A_rebuild_batch_that_failed_part_way_can_be_retried_without_duplicates()
    {
        var index = await OpenAsync(Path.Combine(_root, "retried"));
        await using var rebuild = await index.BeginRebuildAsync(None);
        var written = Enumerable.Range(0, 5).Select(i => Doc($"先写入的方案{i}")).ToList();
        var unbuildable = Doc("关键词缺失") with { Keywords = null! };
        Assert.That(async () => await rebuild.AddAsync([.. written, unbuildable], None), Throws.ArgumentNullException);

        await rebuild.AddAsync([.. written, unbuildable with { Keywords = ["关键词"] }], None);
        await rebuild.SwapAsync(None);

        var ids = await AllIdsAsync(index);
        Assert.That(ids, Is.EquivalentTo(written.Select(d => d.Id).Append(unbuildable.Id)), "each offering once");
    }

    [Test]
    public async Task Reopening_serves_the_persisted_generation_and_keeps_the_version_guard()
    {
        var directory = Path.Combine(_root, "reopened");
        var doc = Doc("第二版", version: 2);
        var first = await OpenAsync(directory);
        await first.WriteAsync([doc], None);
        var rebuild = await first.BeginRebuildAsync(None);
        await rebuild.AddAsync([doc], None);
        await rebuild.SwapAsync(None);
        first.Dispose();

        var second = await OpenAsync(directory);
        Assert.That(second.CurrentGeneration, Is.EqualTo(2));
        Assert.That(File.ReadAllText(Path.Combine(directory, LuceneOfferingIndex.GenerationPointerFile)), Is.EqualTo("2"));
        await second.WriteAsync([doc with { Version = 1, Title = "第一版" }], None);

        var hits = (await second.SearchAsync(new(), None)).Hits;
        Assert.That(hits.Select(h => h.Title), Is.EqualTo(new[] { "第二版" }));
    }

    [Test]
    public async Task Stale_generation_folders_are_removed_on_open()
    {
        var directory = Path.Combine(_root, "stale");
        (await OpenAsync(directory)).Dispose();
        Directory.CreateDirectory(Path.Combine(directory, "gen-7"));

        await OpenAsync(directory);

        Assert.That(Directory.GetDirectories(directory).Select(Path.GetFileName), Is.EqualTo(new[] { "gen-1" }));
    }

    [Test]
    public async Task Concurrent_searches_and_writes_do_not_interfere()
    {
        var index = await OpenAsync(Path.Combine(_root, "concurrent"));
        await index.WriteAsync(Enumerable.Range(0, 100).Select(i => Doc($"数控车床{i}")).ToList(), None);

        var writes = Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await index.WriteAsync([Doc($"喷涂机器人{i}")], None);
            }
        });
        var searches = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var result = await index.SearchAsync(new() { Text = "数控车床" }, None);
                Assert.That(result.Total, Is.EqualTo(100));
            }
        }));
        await Task.WhenAll(searches.Append(writes));

        Assert.That((await index.SearchAsync(new() { Text = "喷涂机器人" }, None)).Total, Is.EqualTo(20));
    }

    [Test]
    public async Task A_browse_in_sort_order_answers_as_the_ranked_browse_does()
    {
        var directory = Path.Combine(_root, "browse");
        var index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = directory, ResultCacheEntries = 0 }, Thesaurus.Default, TaxonomyCatalog.Default);
        _indexes.Add(index);
        var documents = SyntheticOfferings.Create(900).ToList();
        foreach (var batch in documents.Chunk(300))
        {
            await index.WriteAsync(batch, None); // one segment each
        }
        await index.WriteAsync(documents.Where((_, i) => i % 9 == 0).Select(d => OfferingDocument.Tombstone(d.Id, 2)).ToList(), None);
        await index.WriteAsync(documents.Where((_, i) => i % 10 == 1).Select(d => d with { Version = 3, PriceMinYuan = 7_000 }).ToList(), None);

        foreach (var sort in Enum.GetValues<SearchSort>())
        {
            foreach (var request in new[]
            {
                new OfferingSearchRequest { Sort = sort, Limit = 25 },
                new OfferingSearchRequest { Sort = sort, Limit = 10, Offset = 30, MaxPriceYuan = 200_000 },
                new OfferingSearchRequest { Sort = sort, Limit = 15, Directions = ["machinery"], District = "渝北区" },
            })
            {
                // The first search counts the facets (the ranked path) and remembers them; the same search again reads
                // the browse order; without facets it always does.
                var ranked = await index.SearchAsync(request, None);
                var ordered = await index.SearchAsync(request with { }, None);
                var noFacets = await index.SearchAsync(request with { IncludeFacets = false }, None);
                foreach (var answer in new[] { ordered, noFacets })
                {
                    Assert.That(answer.Total, Is.EqualTo(ranked.Total), $"{sort}: total");
                    Assert.That(answer.Hits.Select(h => (h.Id, h.Score)), Is.EqualTo(ranked.Hits.Select(h => (h.Id, h.Score))), $"{sort}: page");
                    Assert.That(answer.NextCursor, Is.EqualTo(ranked.NextCursor), $"{sort}: cursor");
                }
                Assert.That(ranked.Total, Is.GreaterThan(request.Limit), "enough to page");

                var afterCursor = await index.SearchAsync(request with { Offset = 0, Cursor = ranked.NextCursor }, None);
                var byOffset = await index.SearchAsync(request with { Offset = request.Offset + request.Limit, IncludeFacets = true, Highlight = false }, None);
                Assert.That(afterCursor.Hits.Select(h => h.Id), Is.EqualTo(byOffset.Hits.Select(h => h.Id)), $"{sort}: the cursor continues where the page ended");
            }
        }
    }

    [Test]
    public async Task Opening_an_index_decodes_the_likely_query_terms_in_the_background()
    {
        var directory = Path.Combine(_root, "warm");
        var writing = await OpenAsync(directory);
        await writing.WriteAsync(SyntheticOfferings.Create(300).ToList(), None);
        writing.Dispose();
        _indexes.Remove(writing);

        var cold = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = directory, WarmUpPostings = false }, Thesaurus.Default, TaxonomyCatalog.Default);
        _indexes.Add(cold);
        await cold.EnsureCreatedAsync(None);
        Assert.That(cold.CachedClauses(), Is.Zero, "nothing decoded before a search when warming is off");
        cold.Dispose();
        _indexes.Remove(cold);

        var warm = await OpenAsync(directory);
        Assert.That((await warm.SearchAsync(new OfferingSearchRequest { Text = "MES" }, None)).Total, Is.GreaterThan(0), "searches run meanwhile");
        await warm.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(warm.CachedClauses(), Is.GreaterThanOrEqualTo(Thesaurus.Default.DictionaryTerms.Count / 2));
        Assert.That(warm.IsDecoded("焊接机器人"), "a domain term's postings are decoded");
    }

    [Test]
    public async Task A_rebuilt_generation_is_swapped_in_with_the_clauses_live_searches_use_already_decoded()
    {
        var index = await OpenAsync(Path.Combine(_root, "warm-swap"));
        var documents = SyntheticOfferings.Create(200).ToList();
        await index.WriteAsync(documents, None);
        await index.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        const string text = "冷库温度 账本 对不上"; // everyday words: no domain term, not among the most common words
        var before = await index.SearchAsync(new OfferingSearchRequest { Text = text }, None);
        Assert.That(index.IsDecoded(text), "the live generation decoded the search's clauses");

        await using var rebuild = await index.BeginRebuildAsync(None);
        await rebuild.AddAsync(documents, None);
        await rebuild.SwapAsync(None);

        Assert.That(index.CurrentGeneration, Is.EqualTo(2));
        Assert.That(index.IsDecoded(text), "decoded for the new generation before it served");
        var after = await index.SearchAsync(new OfferingSearchRequest { Text = text }, None);
        Assert.That(after.Hits.Select(h => (h.Id, h.Score)), Is.EqualTo(before.Hits.Select(h => (h.Id, h.Score))));
    }

    [Test]
    public async Task A_restarted_index_decodes_what_its_predecessors_searches_used_before_it_is_warm()
    {
        var directory = Path.Combine(_root, "warm-restart");
        var first = await OpenAsync(directory);
        await first.WriteAsync(SyntheticOfferings.Create(200).ToList(), None);
        await first.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        const string text = "冷库温度 账本 对不上"; // everyday words: no domain term, not among the most common words
        await first.SearchAsync(new OfferingSearchRequest { Text = text }, None);
        first.Dispose();
        _indexes.Remove(first);
        Assert.That(File.ReadAllLines(Path.Combine(directory, WarmTermsFile.FileName)), Does.Contain("账本").And.Contain("对不上"));

        var restarted = await OpenAsync(directory);
        await restarted.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(restarted.IsDecoded(text), "decoded before the first search of the new process");

        restarted.Dispose();
        _indexes.Remove(restarted);
        File.WriteAllText(Path.Combine(directory, WarmTermsFile.FileName), "\uFFFD\0 garbage\n");
        var again = await OpenAsync(directory);
        await again.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That((await again.SearchAsync(new OfferingSearchRequest { Text = text }, None)).Total, Is.GreaterThan(0), "an unreadable list only means a colder start");
    }

    [Test]
    public async Task Disposed_index_is_not_healthy()
    {
        var index = await OpenAsync(Path.Combine(_root, "disposed"));
        index.Dispose();

        Assert.That(await index.IsHealthyAsync(None), Is.False);
    }
}
