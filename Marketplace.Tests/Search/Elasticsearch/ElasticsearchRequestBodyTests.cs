using System.Text.Json.Nodes;
using Marketplace.Core.Searching;
using Marketplace.Search.Analysis;
using Marketplace.Search.Elasticsearch;
using HttpMethod = Elastic.Transport.HttpMethod;

namespace Marketplace.Tests.Search.Elasticsearch;

/// <summary>What the engine sends to Elasticsearch, compared as JSON structure.</summary>
public sealed class ElasticsearchRequestBodyTests
{
    private const string Alias = "mk-test";
    private const string EmptySearch = """{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}""";

    [Test]
    public async Task EnsureCreated_creates_a_physical_index_with_the_cjk_mapping_behind_the_alias()
    {
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.HEAD, $"/_alias/{Alias}", 404, "")
            .On(HttpMethod.PUT, "", 200, """{"acknowledged":true,"shards_acknowledged":true,"index":"x"}""");

        Assert.That(await es.CreateIndex().EnsureCreatedAsync(CancellationToken.None), Is.EqualTo(IndexOpening.Created), "a new index: the caller rebuilds it when the database has offerings");

        var create = es.Requests.Single(r => r.Method == HttpMethod.PUT);
        Assert.That(create.Path, Does.Match($"^/{Alias}-\\d{{14}}-[0-9a-f]{{8}}$"));
        var body = create.Json;
        var properties = body["mappings"]!["properties"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["aliases"]![Alias]!["is_write_index"]!.GetValue<bool>(), Is.True);
            Assert.That(body["mappings"]!["dynamic"]!.GetValue<string>(), Is.EqualTo("strict"));
            Assert.That(body["mappings"]!["_meta"]!["schemaVersion"]!.GetValue<int>(), Is.EqualTo(OfferingIndexMapping.SchemaVersion), "read back at the next start-up");
            foreach (var text in new[] { "title", "summary", "description", "keywords", "cases", "supplierName" })
            {
                Assert.That(properties[text]!["type"]!.GetValue<string>(), Is.EqualTo("text"), text);
                Assert.That(properties[text]!["analyzer"]!.GetValue<string>(), Is.EqualTo("offering_cjk"), text);
                Assert.That(properties[text]!["fields"]!["std"]!["analyzer"]!.GetValue<string>(), Is.EqualTo("standard"), text);
            }
            foreach (var keyword in new[] { "id", "directions", "subDirections", "type", "deployment", "districts" })
            {
                Assert.That(properties[keyword]!["type"]!.GetValue<string>(), Is.EqualTo("keyword"), keyword);
            }
            Assert.That(properties["keywords"]!["fields"]!["raw"]!["type"]!.GetValue<string>(), Is.EqualTo("keyword"));
            Assert.That(properties["tieBreak"]!["type"]!.GetValue<string>(), Is.EqualTo("long"));
            Assert.That(properties["version"]!["type"]!.GetValue<string>(), Is.EqualTo("long"));
            Assert.That(properties["priceMinYuan"]!["type"]!.GetValue<string>(), Is.EqualTo("long"));
            Assert.That(properties["priceMaxYuan"]!["type"]!.GetValue<string>(), Is.EqualTo("long"));
            Assert.That(properties["implementationDays"]!["type"]!.GetValue<string>(), Is.EqualTo("integer"));
            Assert.That(properties["publishedAt"]!["type"]!.GetValue<string>(), Is.EqualTo("date"));
            Assert.That(properties["live"]!["type"]!.GetValue<string>(), Is.EqualTo("boolean"));
            Assert.That(body.ToJsonString(), Does.Not.Contain("ik_").And.Not.Contain("smartcn"), "built-in analyzers only");
            // The embedded engine's bigram chain: cjk without its English stop words (it, no, to, a would find nothing).
            var analyzer = body["settings"]!["analysis"]!["analyzer"]!["offering_cjk"]!;
            Assert.That(analyzer["type"]!.GetValue<string>(), Is.EqualTo("custom"));
            Assert.That(analyzer["tokenizer"]!.GetValue<string>(), Is.EqualTo("standard"));
            Assert.That(Strings(analyzer["filter"]), Is.EqualTo(new[] { "cjk_width", "lowercase", "cjk_bigram" }));
            var similarity = body["settings"]!["similarity"]!["default"]!;
            Assert.That(similarity["type"]!.GetValue<string>(), Is.EqualTo("BM25"), "BM25 stated, as the embedded engine ranks");
            Assert.That(similarity["k1"]!.GetValue<double>(), Is.EqualTo(1.2));
            Assert.That(similarity["b"]!.GetValue<double>(), Is.EqualTo(0.75));
        }
    }

    [Test]
    public async Task EnsureCreated_keeps_an_existing_index_of_the_current_schema_version()
    {
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.HEAD, $"/_alias/{Alias}", 200, "")
            .On(HttpMethod.GET, $"/{Alias}/_mapping", 200, MappingOf($$"""{"_meta":{"schemaVersion":{{OfferingIndexMapping.SchemaVersion}}},"dynamic":"strict"}"""));

        Assert.That(await es.CreateIndex().EnsureCreatedAsync(CancellationToken.None), Is.EqualTo(IndexOpening.Existing));

        Assert.That(es.Requests.Select(r => r.Method), Is.EqualTo(new[] { HttpMethod.HEAD, HttpMethod.GET }), "nothing created or changed");
    }

    /// <summary>An index never takes a new mapping or document layout: one made by an older version is rebuilt at start-up.</summary>
    [TestCase("""{"dynamic":"strict"}""")]
    [TestCase("""{"_meta":{"schemaVersion":0},"dynamic":"strict"}""")]
    [TestCase("""{"_meta":{"schemaVersion":"0"},"dynamic":"strict"}""")]
    public async Task EnsureCreated_reports_an_index_of_another_schema_version_as_outdated(string mappings)
    {
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.HEAD, $"/_alias/{Alias}", 200, "")
            .On(HttpMethod.GET, $"/{Alias}/_mapping", 200, MappingOf(mappings));

        Assert.That(await es.CreateIndex().EnsureCreatedAsync(CancellationToken.None), Is.EqualTo(IndexOpening.Outdated));

        Assert.That(es.Requests.Select(r => r.Method), Is.EqualTo(new[] { HttpMethod.HEAD, HttpMethod.GET }), "the rebuild replaces it, not this call");
    }

    [Test]
    public async Task EnsureCreated_leaves_an_index_of_a_newer_schema_version_as_it_is()
    {
        // A node of an older version restarting during a rolling upgrade must not rebuild the newer nodes' index.
        var newer = OfferingIndexMapping.SchemaVersion + 1;
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.HEAD, $"/_alias/{Alias}", 200, "")
            .On(HttpMethod.GET, $"/{Alias}/_mapping", 200, MappingOf($$"""{"_meta":{"schemaVersion":{{newer}}},"dynamic":"strict"}"""));

        Assert.That(await es.CreateIndex().EnsureCreatedAsync(CancellationToken.None), Is.EqualTo(IndexOpening.Existing));
    }

    private static string MappingOf(string mappings) => $$$"""{"{{{Alias}}}-20240101000000-aaaaaaaa":{"mappings":{{{mappings}}}}}""";

    [Test]
    public async Task EnsureCreated_accepts_an_alias_another_node_created_meanwhile()
    {
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.HEAD, $"/_alias/{Alias}", (404, ""), (200, ""))
            .On(HttpMethod.PUT, "", 400, """{"error":{"type":"illegal_state_exception","reason":"alias has more than one write index"},"status":400}""");

        await es.CreateIndex().EnsureCreatedAsync(CancellationToken.None);

        Assert.That(es.Requests.Select(r => r.Method), Is.EqualTo(new[] { HttpMethod.HEAD, HttpMethod.PUT, HttpMethod.HEAD }));
    }

    [Test]
    public async Task Reading_versions_pages_through_the_alias_in_id_order_with_only_id_version_and_live()
    {
        Guid[] ids = [Guid.Parse("10000000-0000-0000-0000-000000000001"), Guid.Parse("20000000-0000-0000-0000-000000000002"), Guid.Parse("30000000-0000-0000-0000-000000000003")];
        static string Hit(Guid id, long version, bool live) =>
            $$$"""{"_index":"x","_id":"{{{id}}}","_score":null,"_source":{"id":"{{{id}}}","version":{{{version}}},"live":{{{(live ? "true" : "false")}}}},"sort":["{{{id}}}"]}""";
        static string Page(params string[] hits) =>
            $$$"""{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"max_score":null,"hits":[{{{string.Join(',', hits)}}}]}}""";
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", (200, Page(Hit(ids[0], 3, true), Hit(ids[1], 1, false))), (200, Page(Hit(ids[2], 2, true))));

        var versions = await es.CreateIndex().ReadVersionsAsync(pageSize: 2, CancellationToken.None);

        Assert.That(versions, Is.EquivalentTo(new Dictionary<Guid, IndexedVersion>
        {
            [ids[0]] = new(3, true),
            [ids[1]] = new(1, false),
            [ids[2]] = new(2, true),
        }));
        var requests = es.Requests.Where(r => r.Method == HttpMethod.POST).ToArray();
        Assert.That(requests, Has.Length.EqualTo(2), "a short page ends the read");
        foreach (var request in requests)
        {
            Assert.That(request.Path.Split('?')[0], Is.EqualTo($"/{Alias}/_search"));
            var body = request.Json;
            Assert.That(body["size"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(body["sort"]!.ToJsonString(), Does.Contain("\"id\"").And.Contain("asc"));
            Assert.That(Strings(body["_source"]!["includes"]), Is.EquivalentTo(new[] { "id", "version", "live" }));
            Assert.That(body["track_total_hits"]!.GetValue<bool>(), Is.False);
        }
        Assert.That(requests[0].Json["search_after"], Is.Null);
        Assert.That(Strings(requests[1].Json["search_after"]), Is.EqualTo(new[] { ids[1].ToString() }));
    }

    [Test]
    public async Task Bulk_writes_use_external_versions_and_write_tombstones_as_documents()
    {
        var live = Doc("弧焊机器人工作站", version: 7);
        var tombstone = OfferingDocument.Tombstone(Guid.NewGuid(), 12);
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_bulk", 200, BulkResponse((live.Id, 201), (tombstone.Id, 201)));

        await es.CreateIndex().WriteAsync([live, tombstone], CancellationToken.None);

        var bulk = es.Single(HttpMethod.POST, "/_bulk");
        Assert.That(bulk.Path, Does.StartWith($"/{Alias}/_bulk"));
        Assert.That(bulk.Path, Does.Contain("refresh=wait_for"), "visible to the re-match that searches right after the write");
        var lines = bulk.Lines;
        Assert.That(lines, Has.Count.EqualTo(4));
        using (Assert.EnterMultipleScope())
        {
            Assert.That(lines[0]["index"]!["_index"]?.GetValue<string>() ?? Alias, Is.EqualTo(Alias), "the alias, named in the op or the path");
            Assert.That(lines[0]["index"]!["_id"]!.GetValue<string>(), Is.EqualTo(live.Id.ToString()));
            Assert.That(lines[0]["index"]!["version"]!.GetValue<long>(), Is.EqualTo(7));
            Assert.That(lines[0]["index"]!["version_type"]!.GetValue<string>(), Is.EqualTo("external"));
            Assert.That(lines[1]["title"]!.GetValue<string>(), Is.EqualTo("弧焊机器人工作站"));
            Assert.That(lines[1]["live"]!.GetValue<bool>(), Is.True);
            Assert.That(lines[1]["tieBreak"]!.GetValue<long>(), Is.EqualTo(Marketplace.Search.Indexing.StableIdHash.Compute(live.Id)),
                "ties broken as on Lucene");
            Assert.That(lines[2]["index"]!["_id"]!.GetValue<string>(), Is.EqualTo(tombstone.Id.ToString()));
            Assert.That(lines[2]["index"]!["version"]!.GetValue<long>(), Is.EqualTo(12));
            Assert.That(lines[2]["index"]!["version_type"]!.GetValue<string>(), Is.EqualTo("external"));
            Assert.That(lines[3]["live"]!.GetValue<bool>(), Is.False, "a retired offering is a tombstone document, not a delete");
            Assert.That(es.Requests.Any(r => r.Method == HttpMethod.DELETE), Is.False);
        }
    }

    [Test]
    public async Task Writes_during_a_rebuild_go_to_the_alias_and_the_new_index()
    {
        var doc = Doc("云MES");
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.PUT, "", 200, """{"acknowledged":true,"shards_acknowledged":true,"index":"x"}""")
            .On(HttpMethod.POST, "/_bulk", 200, BulkResponse((doc.Id, 201), (doc.Id, 201)));
        var index = es.CreateIndex();

        await using var rebuild = await index.BeginRebuildAsync(CancellationToken.None);
        var physical = es.Requests.Single(r => r.Method == HttpMethod.PUT).Path.TrimStart('/');
        await index.WriteAsync([doc], CancellationToken.None);

        var targets = es.Single(HttpMethod.POST, "/_bulk").Lines.Where((_, i) => i % 2 == 0).Select(l => l["index"]!["_index"]?.GetValue<string>() ?? Alias);
        Assert.That(targets, Is.EqualTo(new[] { Alias, physical }));
    }

    [Test]
    public async Task Search_sends_text_filters_multi_select_facets_sort_highlight_and_paging()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest
        {
            Text = "弧焊机器人",
            BoostTerms = [new WeightedTerm("专属增强词", 0.5f)],
            Directions = ["smart-manufacturing"],
            Type = "tool",
            District = "渝北区",
            MaxPriceYuan = 50_000,
            MaxDays = 60,
            Offset = 20,
            Limit = 10,
        }, CancellationToken.None);

        var search = es.Single(HttpMethod.POST, "/_search");
        Assert.That(search.Path, Does.StartWith($"/{Alias}/_search"), "the index is named explicitly");
        var body = search.Json;
        var query = body["query"]!["bool"]!;
        var should = query["should"]!.AsArray();
        var text = should.Single(q => q!["multi_match"]?["_name"]?.GetValue<string>() == "term:弧焊机器人")!["multi_match"]!;
        var boost = should.Single(q => q!["multi_match"]?["_name"]?.GetValue<string>() == "term:专属增强词")!["multi_match"]!;
        var postFilter = body["post_filter"]!["bool"]!["filter"]!.AsArray();
        var aggs = body["aggregations"] ?? body["aggs"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(text["query"]!.GetValue<string>(), Is.EqualTo("弧焊机器人"));
            Assert.That(Strings(text["fields"]), Is.EquivalentTo(new[] { "title^3", "keywords^2", "summary^1.5", "description^1", "cases^1", "supplierName^1" }));
            Assert.That(boost["type"]!.GetValue<string>(), Is.EqualTo("phrase"));
            Assert.That(boost["boost"]!.GetValue<double>(), Is.EqualTo(0.5).Within(1e-6));
            Assert.That(query["minimum_should_match"]!.ToString(), Is.EqualTo("1"));

            // live, price and days restrict hits and facets alike: they are query filters.
            var filters = query["filter"]!.AsArray().Select(f => f!.ToJsonString()).ToArray();
            Assert.That(filters, Has.Some.Contains("\"live\"").And.Some.Contains("true"));
            Assert.That(filters, Has.Some.Contains("\"priceMinYuan\"").And.Some.Contains("50000"));
            Assert.That(filters, Has.Some.Contains("\"implementationDays\"").And.Some.Contains("60"));

            // Facet filters go to post_filter, so each facet can count without its own filter.
            Assert.That(postFilter, Has.Count.EqualTo(3));
            Assert.That(Strings(postFilter.Single(f => f!["terms"]?["districts"] is not null)!["terms"]!["districts"]), Is.EquivalentTo(new[] { "渝北区", "全市" }));
            Assert.That(FilterKeys(aggs["direction"]!), Is.EquivalentTo(new[] { "type", "districts" }));
            Assert.That(FilterKeys(aggs["type"]!), Is.EquivalentTo(new[] { "directions", "districts" }));
            Assert.That(FilterKeys(aggs["district"]!), Is.EquivalentTo(new[] { "directions", "type" }));
            Assert.That(FilterKeys(aggs["deployment"]!), Is.EquivalentTo(new[] { "directions", "type", "districts" }));
            Assert.That(FilterKeys(aggs["subDirection"]!), Is.EquivalentTo(new[] { "directions", "type", "districts" }));
            Assert.That(aggs["direction"]!["aggregations"]!["values"]!["terms"]!["field"]!.GetValue<string>(), Is.EqualTo("directions"));
            Assert.That(aggs["district"]!["aggregations"]!["values"]!["terms"]!["field"]!.GetValue<string>(), Is.EqualTo("districts"));

            Assert.That(body["sort"]!.ToJsonString(), Is.EqualTo("""[{"_score":{"order":"desc"}},{"tieBreak":{"order":"asc"}}]"""));
            Assert.That(body["from"]!.GetValue<int>(), Is.EqualTo(20));
            Assert.That(body["size"]!.GetValue<int>(), Is.EqualTo(10));
            Assert.That(body["track_total_hits"]!.GetValue<bool>(), Is.True);
            Assert.That(Strings(body["highlight"]!["pre_tags"]), Is.EqualTo(new[] { "<em>" }));
            Assert.That(Strings(body["highlight"]!["post_tags"]), Is.EqualTo(new[] { "</em>" }));
            Assert.That(body["highlight"]!["fragment_size"]!.GetValue<int>(), Is.EqualTo(80));
            Assert.That(body["highlight"]!["encoder"]?.GetValue<string>(), Is.EqualTo("html"),
                "supplier-written markup comes back escaped around the <em> tags, as the embedded engine's snippets");
            Assert.That(HighlightFields(body["highlight"]!["fields"]!), Is.EquivalentTo(new[] { "summary", "description" }));
        }
    }

    /// <summary>
    /// Any word of the text may match, as on the embedded engine: a document holding 数控车床 and 改造 but nothing of
    /// 喷涂机器人集成 is found (one cross_fields match over all the bigrams wanted 8 of 11 and found none).
    /// </summary>
    [Test]
    public async Task Each_word_of_the_text_is_an_optional_clause_named_after_the_word()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "数控车床改造 喷涂机器人集成", IncludeFacets = false }, CancellationToken.None);

        var query = es.Single(HttpMethod.POST, "/_search").Json["query"]!["bool"]!;
        var clauses = query["should"]!.AsArray().Select(q => q!["multi_match"]!).ToArray();
        var byName = clauses.ToDictionary(c => c["_name"]!.GetValue<string>());
        var words = QueryWords.Of("数控车床改造 喷涂机器人集成").Select(w => w.Text).ToArray();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(words, Is.EqualTo(new[] { "数控车床", "改造", "喷涂机器人", "集成" }));
            foreach (var word in words)
            {
                Assert.That(byName.ContainsKey("term:" + word), Is.True, $"{word}: {string.Join(", ", byName.Keys)}");
                var clause = byName["term:" + word];
                Assert.That(clause["query"]!.GetValue<string>(), Is.EqualTo(word));
                Assert.That(clause["type"]!.GetValue<string>(), Is.EqualTo("phrase"));
                Assert.That(clause["tie_breaker"]!.GetValue<double>(), Is.EqualTo(0.1).Within(1e-9), "the best field plus a tenth of the others");
                Assert.That(clause["boost"]?.GetValue<double>() ?? 1, Is.EqualTo(1).Within(1e-6));
                Assert.That(Strings(clause["fields"]), Is.EquivalentTo(new[] { "title^3", "keywords^2", "summary^1.5", "description^1", "cases^1", "supplierName^1" }));
            }
            Assert.That(clauses.Select(c => c["type"]!.GetValue<string>()), Has.None.EqualTo("cross_fields"));
            Assert.That(clauses.Select(c => c["minimum_should_match"]), Has.All.Null, "no clause needs most of its tokens");
            Assert.That(query["minimum_should_match"]!.ToString(), Is.EqualTo("1"), "any one clause finds a document");
        }
    }

    /// <summary>A character among words weighs as on the embedded engine; typed alone it is also looked for inside words.</summary>
    [Test]
    public async Task A_single_character_weighs_little_and_alone_is_looked_for_inside_words()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);
        var index = es.CreateIndex();

        await index.SearchAsync(new OfferingSearchRequest { Text = "泵 阀门", IncludeFacets = false }, CancellationToken.None);
        await index.SearchAsync(new OfferingSearchRequest { Text = " 泵 ", IncludeFacets = false }, CancellationToken.None);

        var amongWords = Clause(es.Requests[0], "term:泵");
        var alone = Clause(es.Requests[1], "term:泵");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(amongWords["boost"]!.GetValue<double>(), Is.EqualTo(0.2).Within(1e-6));
            Assert.That(Strings(amongWords["fields"]), Has.None.Contains(".std"));
            Assert.That(alone["boost"]!.GetValue<double>(), Is.EqualTo(0.2).Within(1e-6));
            Assert.That(Strings(alone["fields"]), Is.SupersetOf(new[] { "title^3", "title.std^1.5", "description.std^0.5" }));
            Assert.That(es.Requests.Select(r => Items(r.Json["query"]!["bool"]!["should"]).Length), Is.EqualTo(new[] { 2, 1 }));
        }

        static JsonNode Clause(RecordedRequest request, string name) =>
            Items(request.Json["query"]!["bool"]!["should"]).Single(q => q["multi_match"]!["_name"]!.GetValue<string>() == name)["multi_match"]!;
    }

    [Test]
    public async Task A_long_word_of_the_text_adds_its_sub_words_as_lighter_phrase_clauses()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "服装厂", IncludeFacets = false }, CancellationToken.None);

        var should = es.Single(HttpMethod.POST, "/_search").Json["query"]!["bool"]!["should"]!.AsArray();
        var subWord = should.Single(q => q!["multi_match"]?["_name"]?.GetValue<string>() == "term:服装")!["multi_match"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(subWord["type"]!.GetValue<string>(), Is.EqualTo("phrase"));
            Assert.That(subWord["boost"]!.GetValue<double>(), Is.EqualTo(QueryWords.SubWordWeight).Within(1e-6));
            Assert.That(should.Count(q => q!["multi_match"]?["_name"]?.GetValue<string>() == "term:装厂"), Is.Zero, "装厂 is no word");
        }
    }

    [Test]
    public async Task Words_split_by_a_space_add_the_term_they_make_together()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "焊接 机器人", IncludeFacets = false }, CancellationToken.None);

        var should = es.Single(HttpMethod.POST, "/_search").Json["query"]!["bool"]!["should"]!.AsArray();
        var joined = should.Single(q => q!["multi_match"]?["_name"]?.GetValue<string>() == "term:焊接机器人")!["multi_match"]!;
        Assert.That(joined["boost"]!.GetValue<double>(), Is.EqualTo(QueryWords.JoinedWordWeight).Within(1e-6));
    }

    [Test]
    public async Task Text_of_only_stop_words_matches_all_live_offerings_as_on_the_embedded_engine()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Text = "我们想要的", IncludeFacets = false }, CancellationToken.None);

        var query = es.Single(HttpMethod.POST, "/_search").Json["query"]!["bool"]!;
        Assert.That(Items(query["must"]).Single()["match_all"], Is.Not.Null, "cjk would match 的 in nearly every offering");
    }

    [Test]
    public async Task Search_without_text_matches_all_live_offerings()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, EmptySearch);

        await es.CreateIndex().SearchAsync(new OfferingSearchRequest { Sort = SearchSort.Newest, IncludeFacets = false }, CancellationToken.None);

        var body = es.Single(HttpMethod.POST, "/_search").Json;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(Items(body["query"]!["bool"]!["must"]).Single()["match_all"], Is.Not.Null);
            Assert.That(body["query"]!["bool"]!["filter"]!.ToJsonString(), Does.Contain("live"));
            Assert.That(body["post_filter"], Is.Null);
            Assert.That(body["aggregations"] ?? body["aggs"], Is.Null);
            Assert.That(body["highlight"], Is.Null);
            Assert.That(body["sort"]!.ToJsonString(), Is.EqualTo("""[{"publishedAt":{"order":"desc"}},{"tieBreak":{"order":"asc"}}]"""));
        }
    }

    /// <summary>A cursor carries where its page starts, so that an answer read through it can say which page it is.</summary>
    [Test]
    public async Task A_cursor_knows_where_its_page_starts()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);
        var index = es.CreateIndex();
        var first = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = SearchSort.PriceAsc, Limit = 2 }, CancellationToken.None);
        var second = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = SearchSort.PriceAsc, Limit = 2, Cursor = first.NextCursor }, CancellationToken.None);
        var third = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = SearchSort.PriceAsc, Limit = 2, Cursor = second.NextCursor }, CancellationToken.None);

        Assert.That((first.Start, second.Start, third.Start), Is.EqualTo((0L, 2L, 4L)));
    }

    [TestCase(SearchSort.PriceAsc, "p", "1099511627776")]
    [TestCase(SearchSort.PriceAsc, "p", "0")]
    [TestCase(SearchSort.Relevance, "v0", "-1")]
    public async Task A_cursor_with_a_value_no_page_gives_is_an_invalid_request(SearchSort sort, string field, string value)
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);
        var index = es.CreateIndex();
        var first = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = sort, Limit = 2 }, CancellationToken.None);
        var payload = JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(first.NextCursor!))!.AsObject();
        if (field == "v0")
        {
            payload["v"]![0] = JsonNode.Parse(value);
        }
        else
        {
            payload[field] = JsonNode.Parse(value);
        }
        var tampered = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(payload.ToJsonString()));

        var error = Assert.ThrowsAsync<InvalidSearchRequestException>(() =>
            index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = sort, Limit = 2, Cursor = tampered }, CancellationToken.None));
        Assert.That(error!.Field, Is.EqualTo("cursor"));
    }

    [Test]
    public async Task A_cursor_becomes_search_after_and_replaces_from()
    {
        var es = new CannedElasticsearch(Alias).On(HttpMethod.POST, "/_search", 200, CannedResponses.SearchPage);
        var index = es.CreateIndex();
        var first = await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = SearchSort.PriceAsc, Limit = 2 }, CancellationToken.None);
        Assert.That(first.NextCursor, Is.Not.Null);

        await index.SearchAsync(new OfferingSearchRequest { Text = "弧焊", Sort = SearchSort.PriceAsc, Limit = 2, Offset = 40, Cursor = first.NextCursor }, CancellationToken.None);

        var body = JsonNode.Parse(es.Requests.Last().Body!)!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(body["search_after"]!.ToJsonString(), Is.EqualTo($"[30000,{CannedResponses.SecondTieBreak}]"));
            Assert.That(body["from"], Is.Null);
            Assert.That(body["sort"]!.ToJsonString(), Is.EqualTo("""[{"priceMinYuan":{"order":"asc"}},{"tieBreak":{"order":"asc"}}]"""));
            Assert.That(body["track_scores"]!.GetValue<bool>(), Is.True);
        }
        // Every page of one query goes to the same shard copies (their statistics differ); another query may go elsewhere.
        await index.SearchAsync(new OfferingSearchRequest { Text = "喷涂", Sort = SearchSort.PriceAsc, Limit = 2 }, CancellationToken.None);
        var preferences = es.Requests.Select(r => System.Web.HttpUtility.ParseQueryString(r.Path.Split('?').ElementAtOrDefault(1) ?? "")["preference"]).ToArray();
        Assert.That(preferences[0], Is.Not.Null.And.Not.StartWith("_"));
        Assert.That(preferences[1], Is.EqualTo(preferences[0]));
        Assert.That(preferences[2], Is.Not.EqualTo(preferences[0]));
    }

    [Test]
    public async Task Swap_moves_the_alias_in_one_aliases_request_then_drops_the_old_index()
    {
        const string old = Alias + "-20240101000000-aaaaaaaa";
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.PUT, "", 200, """{"acknowledged":true,"shards_acknowledged":true,"index":"x"}""")
            .On(HttpMethod.POST, "/_refresh", 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""")
            .On(HttpMethod.GET, $"/_alias/{Alias}", 200, "{\"" + old + "\":{\"aliases\":{\"" + Alias + "\":{}}}}")
            .On(HttpMethod.POST, "/_aliases", 200, """{"acknowledged":true}""")
            .On(HttpMethod.DELETE, "", 200, """{"acknowledged":true}""");
        var index = es.CreateIndex();

        await using (var rebuild = await index.BeginRebuildAsync(CancellationToken.None))
        {
            await rebuild.SwapAsync(CancellationToken.None);
        }

        var physical = es.Requests.Single(r => r.Method == HttpMethod.PUT).Path.TrimStart('/');
        var aliases = es.Single(HttpMethod.POST, "/_aliases").Json;
        var expected = JsonNode.Parse($$$"""
            {"actions":[
              {"remove":{"index":"{{{old}}}","alias":"{{{Alias}}}","must_exist":true}},
              {"add":{"index":"{{{physical}}}","alias":"{{{Alias}}}","is_write_index":true}}
            ]}
            """);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(JsonNode.DeepEquals(aliases, expected), Is.True, aliases.ToJsonString());
            Assert.That(es.Requests.Single(r => r.Method == HttpMethod.DELETE).Path, Is.EqualTo($"/{old}"), "only the old index is dropped, after the swap");
            Assert.That(es.Requests.Select(r => r.Method).Last(), Is.EqualTo(HttpMethod.DELETE));
        }
    }

    [Test]
    public async Task An_abandoned_rebuild_deletes_its_new_index()
    {
        var es = new CannedElasticsearch(Alias)
            .On(HttpMethod.PUT, "", 200, """{"acknowledged":true,"shards_acknowledged":true,"index":"x"}""")
            .On(HttpMethod.DELETE, "", 200, """{"acknowledged":true}""");

        await (await es.CreateIndex().BeginRebuildAsync(CancellationToken.None)).DisposeAsync();

        var physical = es.Requests.Single(r => r.Method == HttpMethod.PUT).Path;
        Assert.That(es.Requests.Single(r => r.Method == HttpMethod.DELETE).Path, Is.EqualTo(physical));
    }

    internal static OfferingDocument Doc(string title, long version = 1) => new()
    {
        Id = Guid.NewGuid(),
        Version = version,
        Live = true,
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = title,
        Directions = ["smart-manufacturing"],
        Type = "tool",
        Deployment = "saas",
        Districts = ["全市"],
        PriceMinYuan = 10_000,
        PriceMaxYuan = 20_000,
        ImplementationDays = 30,
        PublishedAt = DateTimeOffset.UtcNow,
    };

    internal static string BulkResponse(params (Guid Id, int Status)[] items) =>
        new JsonObject
        {
            ["took"] = 3,
            ["errors"] = items.Any(i => i.Status >= 300),
            ["items"] = new JsonArray(items.Select(i => (JsonNode)new JsonObject
            {
                ["index"] = i.Status < 300
                    ? new JsonObject { ["_index"] = "mk-test-1", ["_id"] = i.Id.ToString(), ["_version"] = 1, ["result"] = "created", ["status"] = i.Status }
                    : new JsonObject
                    {
                        ["_index"] = "mk-test-1", ["_id"] = i.Id.ToString(), ["status"] = i.Status,
                        ["error"] = new JsonObject { ["type"] = i.Status == 409 ? "version_conflict_engine_exception" : "es_rejected_execution_exception", ["reason"] = "canned" },
                    },
            }).ToArray()),
        }.ToJsonString();

    /// <summary>The client writes a one-element list as a single object: both read as a list.</summary>
    private static JsonNode[] Items(JsonNode? node) => node switch
    {
        JsonArray a => a.Select(n => n!).ToArray(),
        null => [],
        _ => [node],
    };

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(n => n!.GetValue<string>()).ToArray();

    /// <summary>The fields the filter of a facet aggregation restricts (empty for match_all).</summary>
    private static string[] FilterKeys(JsonNode aggregation)
    {
        var filter = aggregation["filter"]!;
        if (filter["match_all"] is not null)
        {
            return [];
        }
        return Items(filter["bool"]!["filter"])
            .Select(f => (f["term"] ?? f["terms"])!.AsObject().Select(p => p.Key).Single())
            .ToArray();
    }

    private static string[] HighlightFields(JsonNode fields) => fields switch
    {
        JsonObject o => o.Select(p => p.Key).ToArray(),
        JsonArray a => a.SelectMany(f => f!.AsObject().Select(p => p.Key)).ToArray(),
        _ => [],
    };
}
