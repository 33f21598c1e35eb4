using Marketplace.Core.Taxonomy;

namespace Marketplace.Tests;

public class TaxonomyLoadTests
{
    [Test]
    public void Default_taxonomy_has_the_eight_directions_and_41_districts()
    {
        var taxonomy = TaxonomyCatalog.Default;
        Assert.That(taxonomy.Directions.Select(d => d.Code), Is.EqualTo(new[]
            { "machinery", "electronics", "metallurgy", "building-materials", "chemicals", "food", "light-textile", "general" }));
        Assert.That(taxonomy.Districts, Has.Count.EqualTo(41));
    }
}
