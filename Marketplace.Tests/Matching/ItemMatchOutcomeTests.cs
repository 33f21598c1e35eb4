using Marketplace.Core.Matching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests.Matching;

/// <summary>The direction and technology item stored with an item's run (statistics, exports, re-matching) always agree.</summary>
public class ItemMatchOutcomeTests
{
    private static ItemMatchOutcome Outcome(string? direction, string? subDirection, string[] inferred, string[] understood) =>
        new(new ItemToMatch(Guid.NewGuid(), "想做设备联网数据采集", direction, subDirection, null, null),
            new DemandMatchResult(inferred.Select(code => new InferredDirection(SubDirection.DirectionOf(code), code, 0.5, [])).ToArray(), [])
            {
                Need = new NeedUnderstanding(understood.Select(code => new UnderstoodItem(code, code, 1, [])).ToArray(), null, 0.7),
            });

    [Test]
    public void Without_a_stated_direction_both_follow_the_understood_need()
    {
        var outcome = Outcome(null, null, inferred: ["general.production-data"], understood: ["food.wastewater", "general.production-data"]);
        Assert.That((outcome.EffectiveDirection, outcome.EffectiveSubDirection), Is.EqualTo(("food", "food.wastewater")));
    }

    [Test]
    public void A_stated_direction_takes_the_understood_item_of_that_direction()
    {
        var outcome = Outcome("general", null, inferred: ["general.erp"], understood: ["food.wastewater", "general.production-data"]);
        Assert.That((outcome.EffectiveDirection, outcome.EffectiveSubDirection), Is.EqualTo(("general", "general.production-data")));
    }

    [Test]
    public void A_stated_direction_no_understood_item_belongs_to_falls_back_to_the_inferred_item_of_it_or_none()
    {
        Assert.That(Outcome("general", null, inferred: ["machinery.welding", "general.erp"], understood: ["food.wastewater"]).EffectiveSubDirection,
            Is.EqualTo("general.erp"));
        Assert.That(Outcome("general", null, inferred: ["machinery.welding"], understood: ["food.wastewater"]).EffectiveSubDirection, Is.Null);
    }

    [Test]
    public void A_stated_technology_item_decides_both()
    {
        var outcome = Outcome(null, "machinery.welding", inferred: ["general.erp"], understood: ["food.wastewater"]);
        Assert.That((outcome.EffectiveDirection, outcome.EffectiveSubDirection), Is.EqualTo(("machinery", "machinery.welding")));
    }
}
