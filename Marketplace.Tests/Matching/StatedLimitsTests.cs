using Marketplace.Core.Matching;

namespace Marketplace.Tests.Matching;

public class StatedLimitsTests
{
    [TestCase("喷漆想换成机器干，钱最多五十万，四个月内要用起来", 500_000L, 120)]
    [TestCase("预算30万元，希望两周内上线", 300_000L, 14)]
    [TestCase("控制在8000块以内，45天以内完成", 8_000L, 45)]
    [TestCase("20万以内的MES，一年内见效", 200_000L, 365)]
    [TestCase("几千块能接受，半年内完成", 9_000L, 180)]
    [TestCase("能投入1.5万，工期10个工作日", 15_000L, 10)]
    [TestCase("预算一百二十万左右", 1_200_000L, null)]
    [TestCase("三万以内，半个月内弄好", 30_000L, 15)]
    [TestCase("一个半月到位", null, 45)]
    [TestCase("一万五以内", 15_000L, null)]
    [TestCase("十万块预算，手头能拿的就这些", 100_000L, null)]
    [TestCase("总价别超四十万", 400_000L, null)]
    [TestCase("前年投资300万上的生产线，现在老是出故障停机，想搞个预测性维护的，预算10万以内", 100_000L, null)]
    [TestCase("一年产值最多三千万，预算30万", 300_000L, null)]
    [TestCase("想上个MES，预算3到5万", 50_000L, null)]
    [TestCase("预算3-5万", 50_000L, null)]
    [TestCase("预算在5万到10万之间", 100_000L, null)]
    [TestCase("计划投资50万，成本控制在这个数以内", 500_000L, null)]
    [TestCase("预算十来万以内", 120_000L, null)]
    [TestCase("最多二十多万", 290_000L, null)]
    [TestCase("预算一百多万", 1_990_000L, null)]
    [TestCase("预算10余万", 190_000L, null)]
    [TestCase("想买个几千块的东西先试试", 9_000L, null)]
    [TestCase("一年几千块的那种就行", 9_000L, null)]
    [TestCase("预算千万别超过20万", 200_000L, null)]
    public void Reads_a_budget_and_a_deadline_stated_as_limits(string text, long? budget, int? days) =>
        Assert.That(StatedLimitsReader.Read(text), Is.EqualTo(new StatedLimits(budget, days)));

    [TestCase("年产值3000万，去年损失了20万")]
    [TestCase("设备停机三天，一个零件不到100块")]
    [TestCase("2023年上的线，用了三个月左右就坏了")]
    [TestCase("每月电费5万左右，花了50万买的设备")]
    [TestCase("我们是个年产值两千万以内的小厂，想搞个能耗监测")]
    [TestCase("去年投入了80万，效果不好")]
    [TestCase("")]
    public void Amounts_and_durations_that_describe_the_plant_are_no_limits(string text) =>
        Assert.That(StatedLimitsReader.Read(text), Is.EqualTo(StatedLimits.None));

    [TestCase("年底前要用起来", 24)]
    [TestCase("今年内上线", 24)]
    [TestCase("月底前装好", 24)]
    [TestCase("下个月底前交付", 55)]
    [TestCase("3月底前投产", 114)]
    [TestCase("12月底之前", 24)]
    [TestCase("9月份之前要到位", 268)]
    [TestCase("春节前弄好", 61)] // 2027-02-06
    [TestCase("国庆前完成", 298)]
    [TestCase("年底前要用起来，最好两周内", 14)]
    [TestCase("下个月要用上", 55)]
    [TestCase("下个月前定下来", 25)]
    [TestCase("年底要上线", 24)]
    [TestCase("3月份必须投产", 114)]
    [TestCase("2027年底前完成", 389)]
    [TestCase("明年年底前上线", 389)]
    [TestCase("明年6月底前投产", 205)]
    [TestCase("然后月底前装好", 24)]
    [TestCase("马上月底前就要用上", 24)]
    [TestCase("目前月底前要交付", 24)]
    [TestCase("然后年底前要上线", 24)]
    [TestCase("下个月内用上", 55)]
    [TestCase("下个月之内", 55)]
    [TestCase("一月内装好", 30)]
    public void Reads_a_deadline_written_as_a_date(string text, int days) =>
        Assert.That(StatedLimitsReader.Read(text, new DateOnly(2026, 12, 7)), Is.EqualTo(new StatedLimits(null, days)));

    [TestCase("过年前要装好", 27)] // 2027-02-06
    [TestCase("春节前要装好", 27)]
    [TestCase("年底前要用起来", 355)]
    [TestCase("2月底前装好", 49)] // 2027-02-28
    [TestCase("元旦前上线", 356)]
    [TestCase("明年元旦前上线", 356)]
    public void Reads_a_deadline_written_as_a_date_in_January(string text, int days) =>
        Assert.That(StatedLimitsReader.Read(text, new DateOnly(2027, 1, 10)), Is.EqualTo(new StatedLimits(null, days)));

    [Test]
    public void The_end_of_February_of_a_leap_year_is_its_29th() =>
        Assert.That(StatedLimitsReader.Read("2月底前装好", new DateOnly(2027, 3, 5)), Is.EqualTo(new StatedLimits(null, 361))); // 2028-02-29

    [Test]
    public void A_deadline_before_a_budget_leaves_the_budget_read() =>
        Assert.That(StatedLimitsReader.Read("年底之前预算20万以内", new DateOnly(2026, 12, 7)), Is.EqualTo(new StatedLimits(200_000, 24)));

    [TestCase("去年底前就上过一套")]
    [TestCase("上个月底前交的货")]
    [TestCase("年底很忙")]
    [TestCase("下个月再说")]
    [TestCase("年底前订单特别多")]
    [TestCase("每月底前要出报表")]
    [TestCase("今年内已经停机三次")]
    [TestCase("春节前后订单最多")]
    [TestCase("买了个几千块的东西不好用")]
    [TestCase("去年年底前就上过一套")]
    [TestCase("2025年底前上的线")]
    [TestCase("双十一前订单多")]
    public void Dates_of_the_past_or_without_a_deadline_word_are_no_deadline(string text) =>
        Assert.That(StatedLimitsReader.Read(text, new DateOnly(2026, 12, 7)), Is.EqualTo(StatedLimits.None));

    [Test]
    public void A_date_deadline_needs_the_day_it_is_read_on() =>
        Assert.That(StatedLimitsReader.Read("年底前要用起来"), Is.EqualTo(StatedLimits.None));

    [Test]
    public void The_largest_budget_and_the_shortest_deadline_stated_win() =>
        Assert.That(StatedLimitsReader.Read("最多30万，不超过50万；三个月内，最好两个月内"), Is.EqualTo(new StatedLimits(500_000, 60)));

    [TestCase("五十", 50d)]
    [TestCase("十五", 15d)]
    [TestCase("一百零五", 105d)]
    [TestCase("两千", 2000d)]
    [TestCase("三百五十", 350d)]
    [TestCase("1.5", 1.5d)]
    public void Reads_numbers_as_written(string text, double value) =>
        Assert.That(StatedLimitsReader.ToNumber(text), Is.EqualTo(value));
}
