using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;
using Microsoft.Extensions.Options;

namespace Marketplace.Tests.Matching;

/// <summary>The items' language learnt from the catalog: invented words stand for the integrators' everyday words the taxonomy lacks.</summary>
public class CatalogLanguageTests
{
    private const string Item = "general.production-data";
    private const string Demand = "我们缺个铃铛";

    private static readonly NeedModel Taxonomy = NeedModel.Build(TaxonomyCatalog.Default, JiebaWordSegmentation.Default, JiebaWordKnowledge.Default);

    /// <summary>A real, empty index: the matcher needs one, these tests only ask its need models.</summary>
    private string _folder = "";
    private LuceneOfferingIndex _index = null!;

    [SetUp]
    public void OpenIndex()
    {
        _folder = Path.Combine(Path.GetTempPath(), "marketplace-catalog-language-" + Guid.NewGuid().ToString("N"));
        _index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = _folder }, Thesaurus.Default, TaxonomyCatalog.Default);
    }

    [TearDown]
    public void DeleteIndex()
    {
        _index.Dispose();
        MarketplaceApp.DeleteDirectory(_folder);
    }

    [Test]
    public void An_item_learns_the_words_of_its_offerings()
    {
        Assert.That(Taxonomy.Classify(Demand).Select(r => r.Code), Does.Not.Contain(Item));
        var learnt = Taxonomy.WithCatalog([new CatalogExample(Taxonomy.FeatureKeys("小铃铛挂在机台上，停机就响"), [(Item, 1.0)])], weight: 4, smoothing: 1);
        var reading = learnt.Classify(Demand);
        Assert.That(reading[0].Code, Is.EqualTo(Item));
        Assert.That(reading[0].Evidence, Has.Some.Contains("铃铛"));
    }

    [Test]
    public void Without_examples_the_model_reads_as_the_taxonomys()
    {
        const string text = "仓库几千种料，盘点一次对不上，找料靠翻";
        Assert.That(Taxonomy.WithCatalog([], 4, 1).Classify(text).Select(r => (r.Code, r.Score)), Is.EqualTo(Taxonomy.Classify(text).Select(r => (r.Code, r.Score))));
    }

    [Test]
    public async Task Demands_are_read_with_what_the_indexed_offerings_teach_and_offerings_with_the_taxonomy_alone()
    {
        var (matcher, language) = Create();
        await language.OnIndexedAsync([Offering(Guid.NewGuid(), "小铃铛停机提醒", [Item])], CancellationToken.None);

        Assert.That(matcher.DemandNeeds.Classify(Demand)[0].Code, Is.EqualTo(Item));
        Assert.That(language.Examples, Is.EqualTo(1));
        var undeclared = Offering(Guid.NewGuid(), "小铃铛", []);
        Assert.That(matcher.PrepareOffering(undeclared), Is.Empty, "an offering is read with the taxonomy's language");
    }

    [Test]
    public async Task Each_item_is_taught_by_a_bounded_sample_that_does_not_depend_on_the_order_offerings_arrive_in()
    {
        var offerings = Enumerable.Range(0, 150).Select(i => Offering(Guid.NewGuid(), $"小铃铛第{i}型", [Item])).ToArray();
        var (forward, forwardLanguage) = Create();
        await forwardLanguage.OnIndexedAsync(offerings, CancellationToken.None);
        var (backward, backwardLanguage) = Create();
        foreach (var offering in offerings.Reverse())
        {
            await backwardLanguage.OnIndexedAsync([offering], CancellationToken.None);
        }
        backwardLanguage.Rebuild();

        Assert.That(forwardLanguage.Examples, Is.EqualTo(CatalogLanguage.ExamplesPerItem));
        Assert.That(backwardLanguage.Examples, Is.EqualTo(CatalogLanguage.ExamplesPerItem));
        Assert.That(backward.DemandNeeds.Classify(Demand).Select(r => (r.Code, r.Score)), Is.EqualTo(forward.DemandNeeds.Classify(Demand).Select(r => (r.Code, r.Score))));
    }

    [Test]
    public async Task A_retired_offering_stops_teaching_and_a_full_pass_reads_the_live_catalog_again()
    {
        var (matcher, language) = Create();
        var offering = Offering(Guid.NewGuid(), "小铃铛停机提醒", [Item]);
        await language.OnIndexedAsync([offering], CancellationToken.None);
        await language.OnIndexedAsync([offering with { Live = false, Version = 2 }], CancellationToken.None);
        language.Rebuild();
        Assert.That(language.Examples, Is.Zero);
        Assert.That(matcher.DemandNeeds.Classify(Demand).Select(r => r.Code), Does.Not.Contain(Item));

        await language.RefreshAsync(Batches([offering]), CancellationToken.None);
        Assert.That(language.Examples, Is.EqualTo(1));
        Assert.That(matcher.DemandNeeds.Classify(Demand)[0].Code, Is.EqualTo(Item));
    }

    [Test]
    public async Task Turned_off_demands_are_read_with_the_taxonomys_language()
    {
        var (matcher, language) = Create(learn: false);
        await language.OnIndexedAsync([Offering(Guid.NewGuid(), "小铃铛停机提醒", [Item])], CancellationToken.None);
        Assert.That(matcher.DemandNeeds, Is.SameAs(Taxonomy));
    }

    [Test]
    public async Task Through_the_API_a_published_offering_teaches_the_node_that_indexed_it_and_a_restarted_node_learns_it_from_the_catalog()
    {
        var first = new SearchTestHost(settings: SearchTestHost.Settings());
        string data;
        try
        {
            var integrator = await first.CreateIntegratorAsync();
            await first.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "小铃铛停机提醒", direction: "general", subDirections: [Item],
                summary: "小铃铛挂在机台上", description: "小铃铛挂在机台上，停机就响，产量自动记。", keywords: ["小铃铛"]));
            var matcher = first.Service<DemandMatcher>();
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(matcher.DemandNeeds.Classify(Demand).FirstOrDefault()?.Code == Item),
                TimeSpan.FromSeconds(20), "the indexing node learnt the offering's words");
            data = first.DataDirectory;
        }
        finally
        {
            first.Dispose();
        }

        var second = new SearchTestHost(data, SearchTestHost.Settings());
        try
        {
            var matcher = second.Service<DemandMatcher>();
            await SearchTestHost.EventuallyAsync(() => Task.FromResult(matcher.DemandNeeds.Classify(Demand).FirstOrDefault()?.Code == Item),
                TimeSpan.FromSeconds(20), "the restarted node learnt the offering's words from the catalog");
        }
        finally
        {
            second.DisposeAndDelete();
        }
    }

    [Test]
    public void A_demand_an_integrator_accepted_teaches_the_owners_words_to_the_engaged_offerings_items()
    {
        var (matcher, language) = Create();
        var engaged = Offering(Guid.NewGuid(), "停机自动记录", [Item]) with { Summary = "停机自动记录", Description = "停机时长自动记录。", Keywords = [] };
        language.LearnFromDemands([new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响，想自动记下来", null, [engaged])]);

        var reading = matcher.DemandNeeds.Classify(Demand);
        Assert.That(reading[0].Code, Is.EqualTo(Item), "the owner's word now reads as the engaged offering's item");
        Assert.That(reading[0].Evidence, Has.Some.Contains("铃铛"));
        Assert.That(language.LabelledDemands, Is.EqualTo(1));

        language.LearnFromDemands([new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响，想自动记下来", null, [engaged with { Live = false }])]);
        Assert.That(language.LabelledDemands, Is.Zero, "a retired offering teaches nothing, and each call replaces what the last taught");
        Assert.That(matcher.DemandNeeds.Classify(Demand).Select(r => r.Code), Does.Not.Contain(Item));
    }

    [Test]
    public void The_same_labelled_demands_again_keep_the_model_they_built()
    {
        var (matcher, language) = Create();
        LabelledDemand[] Demands() => [new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响，想自动记下来", Item, [])];
        language.LearnFromDemands(Demands());
        var built = matcher.DemandNeeds;

        language.LearnFromDemands(Demands());
        Assert.That(matcher.DemandNeeds, Is.SameAs(built), "a pass over a quiet pool does not rebuild the model");

        language.LearnFromDemands([.. Demands(), new LabelledDemand(Guid.NewGuid(), "仓库找料靠翻", "general.smart-warehouse", [])]);
        Assert.That(matcher.DemandNeeds, Is.Not.SameAs(built));
    }

    [Test]
    public void A_demand_whose_owner_stated_the_item_teaches_its_words_to_that_item()
    {
        var (matcher, language) = Create();
        language.LearnFromDemands([new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响，想自动记下来", Item, [])]);
        Assert.That(matcher.DemandNeeds.Classify(Demand)[0].Code, Is.EqualTo(Item));
    }

    [Test]
    public void Each_item_learns_from_a_bounded_number_of_labelled_demands_the_first_given()
    {
        var (matcher, language) = Create();
        var engaged = Offering(Guid.NewGuid(), "停机自动记录", [Item]);
        language.LearnFromDemands(Enumerable.Range(0, 100).Select(i => new LabelledDemand(Guid.NewGuid(), $"第{i}台机器停了没人知道", null, [engaged]))
            .Append(new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响", Item, [])));
        Assert.That(language.LabelledDemands, Is.EqualTo(CatalogLanguage.ExamplesPerItem));
        Assert.That(matcher.DemandNeeds.Classify(Demand).Select(r => r.Code), Does.Not.Contain(Item), "the demand past the item's bound teaches nothing");
    }

    [Test]
    public void One_enterprise_teaches_an_item_only_a_few_demands()
    {
        var (_, language) = Create();
        var owner = Guid.NewGuid();
        language.LearnFromDemands(Enumerable.Range(0, 50).Select(i => new LabelledDemand(owner, $"第{i}台机器停了没人知道", Item, []))
            .Append(new LabelledDemand(Guid.NewGuid(), "机台旁边挂个铃铛，停了就响", Item, [])));
        Assert.That(language.LabelledDemands, Is.EqualTo(CatalogLanguage.DemandsPerOwnerAndItem + 1), "a flood from one enterprise does not fill the item's sample");
    }

    [TestCase(60, 2_000, true)]
    [TestCase(CatalogLanguage.InlineRebuildExamples, 2_000, true)]
    [TestCase(CatalogLanguage.InlineRebuildExamples + 1, 2_000, false)]
    [TestCase(6_656, 20, true)]
    public void A_small_model_is_rebuilt_at_once_however_long_the_last_rebuild_took(int examples, int lastRebuildMilliseconds, bool atOnce) =>
        Assert.That(CatalogLanguage.RebuildsAtOnce(examples, TimeSpan.FromMilliseconds(lastRebuildMilliseconds)), Is.EqualTo(atOnce),
            "on a loaded machine a small catalog's model must not lag behind what was published");

    [TestCase("00:00:05", false)]
    [TestCase("00:10:00", true)]
    [TestCase("2.00:00:00", false)]
    public void The_refresh_interval_is_validated(string interval, bool valid)
    {
        var result = new MatchingOptionsValidator().Validate(null, new MatchingOptions { CatalogRefreshInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) });
        Assert.That(result.Succeeded, Is.EqualTo(valid), result.FailureMessage);
    }

    private (DemandMatcher Matcher, CatalogLanguage Language) Create(bool learn = true)
    {
        var matcher = new DemandMatcher(_index, DirectionInference.Default, TaxonomyCatalog.Default, Taxonomy);
        return (matcher, new CatalogLanguage(matcher, Taxonomy, Options.Create(new MatchingOptions { LearnFromCatalog = learn }), TimeProvider.System));
    }

    private static OfferingDocument Offering(Guid id, string title, string[] subDirections) => new()
    {
        Id = id,
        Version = 1,
        Live = true,
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = "小铃铛挂在机台上",
        Description = "小铃铛挂在机台上，停机就响。",
        Keywords = ["小铃铛"],
        SupplierId = Guid.NewGuid(),
        SupplierName = "某公司",
        Directions = ["general"],
        SubDirections = subDirections,
        Type = "tool",
        Deployment = "saas",
        Districts = ["全市"],
        PriceMinYuan = 1_000,
        PriceMaxYuan = 2_000,
        ImplementationDays = 3,
        PublishedAt = DateTimeOffset.UnixEpoch,
    };

    private static async IAsyncEnumerable<IReadOnlyList<OfferingDocument>> Batches(IReadOnlyList<OfferingDocument> documents)
    {
        await Task.Yield();
        yield return documents;
    }
}
