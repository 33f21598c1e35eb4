using Marketplace.Core.Matching;
using Marketplace.Search.Analysis;

namespace Marketplace.Tests.Matching;

/// <summary>Need understanding from the taxonomy: fuzzy, by function, explainable, never on single characters.</summary>
public class NeedModelTests
{
    private static readonly NeedModel Model = NeedModel.Default;

    [TestCase("车架焊完变形，焊缝宽窄不一，焊工难招", "machinery.welding")]
    [TestCase("空压机下班了也在转，车间里到处漏气，电费太高", "general.energy-management")]
    [TestCase("仓库几千种料，盘点一次对不上，找料靠翻", "general.smart-warehouse")]
    [TestCase("想上一套MES，车间报工还靠纸", "general.production-data")]
    // Defects told in everyday words (the taxonomy's problem phrases, written blind to every evaluation set).
    [TestCase("装完的变速箱一试就漏油，拆开看是油封装歪了", "machinery.assembly")]
    [TestCase("腌菜的盐水没法排，污水池一下雨就满了往外溢", "food.wastewater")]
    [TestCase("货架堆到顶，取货要爬梯子，东西放哪只有仓管知道", "general.smart-warehouse")]
    [TestCase("客户说在面条里吃出钢丝球，螺丝掉进去我们都不知道", "food.online-inspection")]
    public void Reads_the_function_a_text_asks_for(string text, string item)
    {
        Assert.That(Model.Classify(text)[0].Code, Is.EqualTo(item));
    }

    [Test]
    public void Evidence_is_the_texts_own_words_of_two_characters_or_more()
    {
        var read = Model.Classify("车架焊完变形，焊缝宽窄不一，一个月返工好几次");
        Assert.Multiple(() =>
        {
            Assert.That(read[0].Evidence, Is.Not.Empty);
            Assert.That(read.SelectMany(r => r.Evidence), Has.All.Length.GreaterThan(1));
            Assert.That(read.SelectMany(r => r.Evidence), Has.None.EqualTo("一个"), "a bigram of two particles or numerals is no feature");
        });
    }

    [Test]
    public void Words_of_the_enterprises_industry_count_for_little()
    {
        // 涂装 is both the painting item's word and this enterprise's industry: as context it weighs less.
        const string text = "涂装线旁边的空压机下班了也在转，漏气声到处都是，电费太高";
        var plain = Model.Classify(text, max: 10, minShare: 0);
        var inContext = Model.Classify(text, industry: "涂装加工", max: 10, minShare: 0);
        double ScoreOf(IReadOnlyList<ItemReading> read, string code) => read.FirstOrDefault(r => r.Code == code)?.Score ?? 0;
        Assert.That(ScoreOf(inContext, "machinery.painting") / ScoreOf(inContext, "general.energy-management"),
            Is.LessThan(ScoreOf(plain, "machinery.painting") / ScoreOf(plain, "general.energy-management")));
    }

    [Test]
    public void The_clause_that_says_what_the_owner_wants_weighs_more_than_the_situation()
    {
        // The situation speaks of welding, the wish of a warehouse: with the wish weighed up, the warehouse comes first.
        const string text = "我们做焊接件，焊缝宽窄不一也有，但最头疼的是仓库，想把出入库、库存对不上这些管起来";
        var plain = Model.Classify(text, max: 10, minShare: 0);
        var weighed = Model.Classify(text, max: 10, minShare: 0, requestWeight: 2);
        double Ratio(IReadOnlyList<ItemReading> read) =>
            (read.FirstOrDefault(r => r.Code == "general.smart-warehouse")?.Score ?? 0) / (read.FirstOrDefault(r => r.Code == "machinery.welding")?.Score ?? 1);
        Assert.That(Ratio(weighed), Is.GreaterThan(Ratio(plain)));
    }

    [TestCase("窑炉我们不想动，检瓶的工人老漏掉气泡、裂纹，想找个自动检的", "building-materials.ceramic-roller-kiln")]
    [TestCase("SMT线体的AGV我们不要，就想把料仓里的物料找得快一点", "general.agv")]
    public void What_the_owner_turns_down_is_not_the_need(string text, string turnedDown) =>
        Assert.That(Model.Classify(text, max: 3, minShare: 0.3, requestWeight: 2, namedLead: 0.05).Select(r => r.Code), Does.Not.Contain(turnedDown));

    [TestCase("仓库的料账都有问题了，出入库也乱", "仓库")]
    [TestCase("盘点对不上已经有好几次了，出入库也乱", "盘点")]
    [TestCase("焊缝都有气孔了，车间数据全靠手抄", "气孔")]
    [TestCase("表面有划痕的件客户不要，仓库也乱", "划痕")]
    public void A_problem_that_is_there_already_is_no_refusal(string text, string evidence) =>
        Assert.That(Model.Classify(text, max: 3, minShare: 0.3, requestWeight: 2)[0].Evidence, Has.Some.Contains(evidence));

    [Test]
    public void A_request_the_owner_corrects_gives_way_to_the_correction() =>
        Assert.That(Model.Classify("想上个5G？其实就是老板想在手机上看每天生产多少", max: 3, minShare: 0.3, requestWeight: 2, namedLead: 0.05)[0].Code,
            Is.EqualTo("general.production-data"));

    [TestCase("不想再让工人手写报工了，想上个扫码报工", "general.production-data")]
    [TestCase("年轻人都不想干喷漆，想换成机器人", "general.industrial-robot")]
    [TestCase("老板不想要人工盯着仓库的进出库，想上个系统", "general.smart-warehouse")]
    public void A_problem_the_owner_wants_to_stop_is_no_refusal(string text, string item) =>
        Assert.That(Model.Classify(text, max: 3, minShare: 0.3, requestWeight: 2, namedLead: 0.05)[0].Code, Is.EqualTo(item));

    [Test]
    public void Nothing_known_reads_as_nothing()
    {
        Assert.That(Model.Classify("你好，谢谢你们"), Is.Empty);
        Assert.That(Model.Classify(""), Is.Empty);
    }

    /// <summary>
    /// The catalog teaches MES to every item whose offerings mention it (an RFID system that feeds the MES); a demand naming
    /// MES still asks for the item whose own alias it is, and a longer name holding it (服装MES) is that item's.
    /// </summary>
    [Test]
    public void An_item_named_by_its_own_latin_alias_reads_first_whatever_the_catalog_teaches()
    {
        var rfidTalk = Enumerable.Range(0, 8)
            .Select(_ => new CatalogExample(Model.FeatureKeys("RFID标签对接MES，MES里看每件在哪，MES联动"), [("general.rfid", 1.0)]));
        var taught = Model.WithCatalog(rfidTalk, weight: 4, smoothing: 1);

        Assert.Multiple(() =>
        {
            Assert.That(taught.Classify("想上个MES")[0].Code, Is.EqualTo("general.rfid"), "the catalog alone misreads it");
            Assert.That(taught.Classify("想上个MES", namedLead: 0.05)[0].Code, Is.EqualTo("general.production-data"));
            Assert.That(taught.Classify("服装厂想上服装MES", namedLead: 0.05)[0].Code, Is.EqualTo("light-textile.garment-production"));
            Assert.That(taught.Classify("MESSAGE推送", namedLead: 0.05).Select(r => r.Code), Has.None.EqualTo("general.production-data"));
        });
    }

    [Test]
    public void Is_deterministic()
    {
        const string text = "订单一多就乱，插单以后交期老是延误";
        Assert.That(Model.Classify(text).Select(r => (r.Code, r.Score)), Is.EqualTo(NeedModel.Build(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default).Classify(text).Select(r => (r.Code, r.Score))));
    }
}

/// <summary>Need understanding on the search engine's word segmentation, as the API builds it: features come from words, not from characters that happen to meet.</summary>
public class SegmentedNeedModelTests
{
    private static readonly NeedModel Model = NeedModel.Build(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default, JiebaWordSegmentation.Default);

    private static IEnumerable<string> Evidence(string text) => Model.Classify(text, max: 12, minShare: 0).SelectMany(r => r.Evidence);

    [TestCase("检验是最后一道工序，全靠人看", "道工序")]
    [TestCase("这种钻头每件都要过一遍秤", "每件")]
    [TestCase("配件一多仓库就乱", "件一")]
    public void A_count_of_a_numeral_and_a_measure_word_is_no_evidence(string text, string fragment)
    {
        Assert.That(Evidence(text), Has.None.Contains(fragment));
    }

    /// <summary>A taxonomy problem phrase holds a target (要降到50): the number alone read budgets and deadlines as that item.</summary>
    [TestCase("预算50万")]
    [TestCase("车间要上MES，50天内上线")]
    [TestCase("想上一套MES系统，预算50万以内")]
    public void A_number_alone_is_no_evidence(string text)
    {
        var read = Model.Classify(text, max: 12, minShare: 0);
        Assert.That(read.Select(r => r.Code), Has.None.EqualTo("building-materials.cement-denox"));
        Assert.That(read.SelectMany(r => r.Evidence), Has.None.EqualTo("50"));
    }

    [Test]
    public void No_feature_straddles_two_words()
    {
        // 袋装|水泥: 装水 (as in 瓶装水) is not in the text's words; 袋装 is.
        var evidence = Evidence("我们是做袋装水泥的，装车全靠人搬").ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(evidence, Has.None.Contains("装水"));
            Assert.That(evidence, Has.Some.Contains("袋装"));
        });
    }

    [Test]
    public void A_whole_phrase_of_everyday_characters_is_evidence()
    {
        // 谁做的 has no feature of two characters that is not a particle or a light verb, but as a whole it is a problem phrase of traceability.
        var read = Model.Classify("出了问题不知道是谁做的");
        Assert.Multiple(() =>
        {
            Assert.That(read[0].Code, Is.EqualTo("general.traceability"));
            Assert.That(read[0].Evidence, Does.Contain("谁做的"));
        });
    }

    [TestCase("车架焊完变形，焊缝宽窄不一，焊工难招", "machinery.welding")]
    [TestCase("空压机下班了也在转，车间里到处漏气，电费太高", "general.energy-management")]
    [TestCase("想上一套MES，车间报工还靠纸", "general.production-data")]
    public void Reads_the_function_a_text_asks_for(string text, string item)
    {
        Assert.That(Model.Classify(text)[0].Code, Is.EqualTo(item));
    }

    [Test]
    public void Evidence_never_has_single_characters()
    {
        Assert.That(Model.Classify("每台机器一天停几次，谁也说不清，想装个东西看着", max: 12, minShare: 0).SelectMany(r => r.Evidence), Has.All.Length.GreaterThan(1));
    }
}

/// <summary>Need understanding with general knowledge of words (jieba's corpus IDF), as the API builds it.</summary>
public class KnowledgeNeedModelTests
{
    private static readonly NeedModel Plain = NeedModel.Build(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default, JiebaWordSegmentation.Default);
    private static readonly NeedModel Model = NeedModel.Build(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default, JiebaWordSegmentation.Default, JiebaWordKnowledge.Default);

    private static IEnumerable<string> Evidence(NeedModel model, string text) => model.Classify(text, max: 12, minShare: 0).SelectMany(r => r.Evidence);

    [TestCase("仓库里的东西发货老是对不上，出了问题也不知道，想管起来", "知道")]
    [TestCase("搅拌站每天接几十个工地的单，派车全靠打电话，想把接单都管起来", "起来")]
    public void A_word_common_in_any_Chinese_text_is_no_evidence(string text, string common)
    {
        Assert.Multiple(() =>
        {
            Assert.That(Evidence(Plain, text), Does.Contain(common), "without the knowledge the common word is shown");
            Assert.That(Evidence(Model, text), Has.None.EqualTo(common));
        });
    }

    [Test]
    public void The_knowledge_changes_what_is_shown_not_what_is_read()
    {
        const string text = "仓库里的东西发货老是对不上，出了问题也不知道，想管起来";
        Assert.That(Model.Classify(text, max: 12, minShare: 0).Select(r => (r.Code, r.Score)),
            Is.EqualTo(Plain.Classify(text, max: 12, minShare: 0).Select(r => (r.Code, r.Score))));
    }
}
