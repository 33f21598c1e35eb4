using Marketplace.Core.Matching;

namespace Marketplace.Tests.Matching;

/// <summary>Need understanding from the taxonomy: fuzzy, by function, explainable, never on single characters.</summary>
public class NeedModelTests
{
    private static readonly NeedModel Model = NeedModel.Default;

    [TestCase("车架焊完变形，焊缝宽窄不一，焊工难招", "machinery.welding")]
    [TestCase("空压机下班了也在转，车间里到处漏气，电费太高", "general.energy-management")]
    [TestCase("仓库几千种料，盘点一次对不上，找料靠翻", "general.smart-warehouse")]
    [TestCase("想上一套MES，车间报工还靠纸", "general.production-data")]
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

    [Test]
    public void Nothing_known_reads_as_nothing()
    {
        Assert.That(Model.Classify("你好，谢谢你们"), Is.Empty);
        Assert.That(Model.Classify(""), Is.Empty);
    }

    [Test]
    public void Is_deterministic()
    {
        const string text = "订单一多就乱，插单以后交期老是延误";
        Assert.That(Model.Classify(text).Select(r => (r.Code, r.Score)), Is.EqualTo(NeedModel.Build(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default).Classify(text).Select(r => (r.Code, r.Score))));
    }
}
