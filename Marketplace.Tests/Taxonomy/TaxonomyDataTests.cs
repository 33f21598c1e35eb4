using System.Text.RegularExpressions;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests.Taxonomy;

public partial class TaxonomyDataTests
{
    private static readonly TaxonomyCatalog Catalog = TaxonomyCatalog.Default;

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex DirectionCode();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*\\.[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex ItemCode();

    [Test]
    public void Every_code_is_unique_and_well_formed()
    {
        var directionCodes = Catalog.Directions.Select(d => d.Code).ToArray();
        var itemCodes = Catalog.Directions.SelectMany(d => d.SubDirections).Select(s => s.Code).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(directionCodes, Is.Unique);
            Assert.That(itemCodes, Is.Unique);
            Assert.That(directionCodes, Has.All.Matches<string>(c => DirectionCode().IsMatch(c)));
            Assert.That(itemCodes, Has.All.Matches<string>(c => ItemCode().IsMatch(c)));
            foreach (var direction in Catalog.Directions)
            {
                Assert.That(direction.SubDirections.Select(s => s.DirectionCode), Has.All.EqualTo(direction.Code), direction.Code);
            }
        });
    }

    [Test]
    public void A_general_item_is_declared_only_on_another_directions_item_and_names_a_general_item()
    {
        var declared = Catalog.SubDirections.Where(s => s.GeneralItem is not null).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(declared, Is.Not.Empty);
            foreach (var item in declared)
            {
                Assert.That(item.DirectionCode, Is.Not.EqualTo(TaxonomyCatalog.GeneralDirectionCode), item.Code);
                Assert.That(Catalog.FindSubDirection(item.GeneralItem!)?.DirectionCode, Is.EqualTo(TaxonomyCatalog.GeneralDirectionCode), item.Code);
            }
        });
    }

    [TestCase("工业涂料", "chemicals")]
    [TestCase("摩托车齿轮制造", "machinery")]
    [TestCase("陶瓷墙地砖", "building-materials")]
    [TestCase("榨菜腌制", "food")]
    [TestCase("汽车零部件制造", "machinery")]
    [TestCase("软件开发", null)]
    [TestCase("", null)]
    public void An_enterprises_industry_reads_as_the_direction_whose_longest_name_or_alias_it_holds(string industry, string? direction) =>
        Assert.That(Catalog.DirectionOfIndustry(industry), Is.EqualTo(direction));

    [Test]
    public void Every_item_has_aliases_and_at_least_five_problems()
    {
        Assert.Multiple(() =>
        {
            foreach (var item in Catalog.SubDirections)
            {
                Assert.That(item.Name, Is.Not.Empty, item.Code);
                Assert.That(item.Aliases, Is.Not.Empty, item.Code);
                Assert.That(item.Problems, Has.Count.GreaterThanOrEqualTo(5), item.Code);
                Assert.That(item.Problems, Has.All.Length.GreaterThanOrEqualTo(2), item.Code);
                Assert.That(item.Problems, Is.Unique, item.Code);
            }
            foreach (var direction in Catalog.Directions)
            {
                Assert.That(direction.Aliases, Is.Not.Empty, direction.Code);
            }
        });
    }

    [Test]
    public void Annex_items_are_kept_and_everyday_needs_are_covered()
    {
        string[] expected =
        [
            "machinery.welding", "machinery.painting", "electronics.smt", "metallurgy.ultra-low-emission",
            "building-materials.sanitary-polishing", "chemicals.vcm-tail-gas", "food.traceability",
            "light-textile.recycled-direct-spinning", "general.erp", "general.production-data", "general.agv",
            "general.electrification", "general.energy-management", "general.environmental-protection",
            "general.quality-management", "general.safety", "general.planning", "chemicals.voc-treatment",
            // annex technologies that had been merged into a neighbouring item
            "machinery.lightweight", "machinery.gear-machining", "building-materials.sizing-dosing", "food.online-inspection",
        ];
        Assert.That(expected.Where(c => !Catalog.IsSubDirection(c)), Is.Empty);
    }

    [Test]
    public void Synonym_groups_have_at_least_two_distinct_terms()
    {
        Assert.That(Catalog.Document.Synonyms, Has.All.Matches<IReadOnlyList<string>>(g => g.Distinct().Count() >= 2));
    }
}
