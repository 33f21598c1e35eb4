using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests.Taxonomy;

public class DirectionInferenceTests
{
    private static readonly DirectionInference Inference = DirectionInference.Default;

    [TestCase("我们是做汽车支架的，焊工越来越难招，焊缝不均匀还老有气孔", "machinery", "machinery.welding")]
    [TestCase("贴片后的板子连锡、立碑总是漏检，想上一台炉后检测设备", "electronics", "electronics.smt")]
    [TestCase("月底和客户对账总对不上，欠款也搞不清，想要个进销存", "general", "general.erp")]
    [TestCase("调味品厂，超市要求每批产品都能查到原料来源，出了问题要能召回", "food", "food.traceability")]
    [TestCase("涂料厂车间溶剂味很重，周边居民投诉，活性炭换得很勤", "chemicals", "chemicals.voc-treatment")]
    [TestCase("服装厂的计件工资每个月要算好几天，车工经常扯皮", "light-textile", "light-textile.garment-production")]
    [TestCase("陶瓷厂窑温忽高忽低，全靠老师傅看火，颜色一批深一批浅", "building-materials", "building-materials.kiln-control")]
    [TestCase("钢厂烧结机头烟气要做超低排放改造，颗粒物和二氧化硫还超标", "metallurgy", "metallurgy.ultra-low-emission")]
    public void The_top_direction_and_item_fit_the_text(string text, string direction, string item)
    {
        var inferred = Inference.Infer(text);
        Assert.That(inferred, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            Assert.That(inferred[0].DirectionCode, Is.EqualTo(direction));
            Assert.That(inferred[0].SubDirectionCode, Is.EqualTo(item));
            Assert.That(inferred[0].Confidence, Is.GreaterThan(0).And.LessThanOrEqualTo(1));
            Assert.That(inferred[0].MatchedTerms, Is.Not.Empty);
        });
    }

    [Test]
    public void Results_are_ordered_bounded_and_empty_for_unrelated_text()
    {
        Assert.That(Inference.Infer("今天下午三点开会"), Is.Empty);
        Assert.That(Inference.Infer(""), Is.Empty);
        var inferred = Inference.Infer("喷漆房的废气要治理，另外焊缝也不好，仓库盘点对不上，电费太高");
        Assert.That(inferred, Has.Count.InRange(1, DirectionInference.MaxResults));
        Assert.That(inferred.Select(i => i.Confidence), Is.Ordered.Descending);
        Assert.That(inferred.Select(i => i.DirectionCode), Is.Unique);
    }
}
