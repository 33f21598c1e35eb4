using Microsoft.Extensions.Options;

namespace Marketplace.Core.Matching;

/// <summary><c>Marketplace:Matching</c>: how matching learns from the catalog, and where re-matching runs.</summary>
public sealed class MatchingOptions
{
    public const string Section = "Marketplace:Matching";

    /// <summary>Whether demands are read with the items' language learnt from the catalog (<see cref="CatalogLanguage"/>), or with the taxonomy's alone.</summary>
    public bool LearnFromCatalog { get; set; } = true;

    /// <summary>
    /// Whether demands are also read with owners' own words, learnt from labelled demand items — the technology item the
    /// owner stated, or the offering an integrator accepted an engagement for (<see cref="CatalogLanguage.LearnFromDemands"/>)
    /// — read again at each catalog refresh.
    /// </summary>
    public bool LearnFromDemands { get; set; } = true;

    /// <summary>
    /// How often each node reads the whole live catalog again to learn from it. Between passes the node learns from the
    /// batches its own indexer writes; a pass brings in what other nodes indexed and fills the places of retired offerings.
    /// </summary>
    public TimeSpan CatalogRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Whether this node re-matches open demand items after offerings are published (<see cref="RematchQueue"/>) and matches the
    /// lists stored while search could not answer; other nodes do when off.
    /// </summary>
    public bool RematchWorkerEnabled { get; set; } = true;
}

public sealed class MatchingOptionsValidator : IValidateOptions<MatchingOptions>
{
    public ValidateOptionsResult Validate(string? name, MatchingOptions options) =>
        options.CatalogRefreshInterval < TimeSpan.FromSeconds(10) || options.CatalogRefreshInterval > TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Fail("Marketplace:Matching:CatalogRefreshInterval must be between 10 seconds and 1 day.")
            : ValidateOptionsResult.Success;
}
