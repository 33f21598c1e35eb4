namespace Marketplace.Core.Taxonomy;

/// <summary>A priority direction of the annex (重点方向), e.g. machinery 机械制造.</summary>
public sealed record Direction(string Code, string Name, IReadOnlyList<string> Aliases, IReadOnlyList<SubDirection> SubDirections);

/// <summary>A technology item under a direction, e.g. machinery.welding 焊接工艺设备.</summary>
/// <param name="Problems">Symptoms and consequences an enterprise describes when it needs this item (used for matching).</param>
public sealed record SubDirection(string Code, string Name, IReadOnlyList<string> Aliases, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// The 通用 item this one is for its own direction (挥发性有机物治理 is 环保治理与监测 for chemicals), if any: for an
    /// enterprise of that direction the two are the same function.
    /// </summary>
    public string? GeneralItem { get; init; }

    /// <summary>The parent direction's code: the part of <see cref="Code"/> before the first dot.</summary>
    public string DirectionCode => DirectionOf(Code);

    /// <summary>The direction of a technology item's code (machinery.welding → machinery).</summary>
    public static string DirectionOf(string itemCode) => itemCode[..itemCode.IndexOf('.', StringComparison.Ordinal)];
}

public sealed record District(string Code, string Name);

public sealed record CodeName(string Code, string Name);

/// <summary>The whole taxonomy as served by GET /api/v1/taxonomy.</summary>
/// <param name="GeneralWishes">Words that name no function (数字化、转型、降本增效): a demand read only through them is vague,
/// and its answer asks for the concrete problem instead of guessing a technology item.</param>
public sealed record TaxonomyDocument(
    string Version,
    IReadOnlyList<Direction> Directions,
    IReadOnlyList<District> Districts,
    string WholeCity,
    IReadOnlyList<CodeName> OfferingTypes,
    IReadOnlyList<CodeName> DeploymentModes,
    IReadOnlyList<string> EnterpriseScales,
    IReadOnlyList<IReadOnlyList<string>> Synonyms,
    IReadOnlyList<string> GeneralWishes);
