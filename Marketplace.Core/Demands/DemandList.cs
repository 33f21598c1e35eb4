namespace Marketplace.Core.Demands;

public static class DemandListStatuses
{
    public const string Open = "open";
    public const string Closed = "closed";
}

/// <summary>An enterprise's list of needs. Closed lists keep their matches but are not re-matched.</summary>
public sealed record DemandList(
    Guid Id,
    Guid OwnerId,
    string? Title,
    string Status,
    int RowVersion,
    IReadOnlyList<DemandItem> Items,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ClosedAt,
    string? MatchPending = null)
{
    public bool IsOpen => Status == DemandListStatuses.Open;

    /// <summary>Stored while search was unavailable and not matched yet: its items have no matches (or those of before an edit).</summary>
    public bool IsMatchPending => MatchPending is not null;

    public string ETag => $"\"{RowVersion}\"";
}

/// <summary>
/// One need in the enterprise's own words, with optional stated direction, budget and time frame.
/// <see cref="EffectiveDirection"/> is the stated direction, or the top inferred one at the last match run.
/// </summary>
public sealed record DemandItem(
    Guid Id,
    int Position,
    string Text,
    string? Direction,
    string? SubDirection,
    long? BudgetYuan,
    int? WithinDays,
    string? EffectiveDirection,
    string? EffectiveSubDirection);

/// <summary>What a client sends: the whole list. Items sent back with their <c>id</c> keep it.</summary>
public sealed record DemandListInput(string? Title, IReadOnlyList<DemandItemInput?>? Items);

public sealed record DemandItemInput(Guid? Id, string? Text, string? Direction, string? SubDirection, long? BudgetYuan, int? WithinDays);

/// <summary>A list as shown in list pages.</summary>
public sealed record DemandListSummary(
    Guid Id,
    Guid OwnerId,
    string? Title,
    string Status,
    int ItemCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A demand item's text and the technology item its owner stated.</summary>
public sealed record StatedDemand
{
    public Guid ItemId { get; init; }
    public Guid OwnerId { get; init; }
    public string Text { get; init; } = "";
    public string SubDirection { get; init; } = "";
}
