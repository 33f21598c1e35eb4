using System.Buffers.Text;
using System.Text.Json;
using Marketplace.Core.Searching;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The search-after cursor: the sort values of a page's last hit (score or sort key, then the id
/// hash), as base64url JSON. Bound to the sort order and the search (<see cref="OfferingSearchRequest.CursorScope"/>) it
/// was made for: one without its search (made by hand) is refused like one of another search.
/// </summary>
/// <param name="Generation">The index version the page was read from.</param>
/// <param name="Position">How many hits came before the next page.</param>
/// <param name="Total">How many hits the search had then.</param>
internal sealed record SearchCursor(SearchSort Sort, float? Score, long? Key, long IdHash, long? Generation = null, long? Position = null, long? Total = null)
{
    private sealed record Payload(string S, double? R, long? K, long H, long? Q, long? G = null, long? P = null, long? T = null);

    public string Encode(long scope) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new Payload(Sort.ToString(), Score, Key, IdHash, scope, Generation, Position, Total)));

    public static SearchCursor Decode(string cursor, SearchSort expectedSort, long expectedScope)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(Base64Url.DecodeFromChars(cursor));
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            throw InvalidSearchRequestException.ForeignCursor();
        }
        if (payload is null || !Enum.TryParse<SearchSort>(payload.S, out var sort) || !Enum.IsDefined(sort))
        {
            throw InvalidSearchRequestException.ForeignCursor();
        }
        if (sort != expectedSort)
        {
            throw InvalidSearchRequestException.CursorOfOtherSort(sort, expectedSort);
        }
        // Values a page could have given: a score ≥ 0 (as a float), counts of hits of one index (at most int.MaxValue
        // documents) with at least one hit before the next page and no more before it than the search had.
        var valid = (sort == SearchSort.Relevance ? payload.R is >= 0 and <= float.MaxValue : payload.K is not null)
            && payload.G is null or >= 0
            && payload.P is null or >= 1 and <= int.MaxValue
            && payload.T is null or >= 0 and <= int.MaxValue
            && !(payload.P > payload.T);
        if (!valid)
        {
            throw InvalidSearchRequestException.ForeignCursor();
        }
        if (payload.Q != expectedScope)
        {
            throw InvalidSearchRequestException.CursorOfOtherQuery();
        }
        return new SearchCursor(sort, payload.R is { } score ? (float)score : null, payload.K, payload.H, payload.G, payload.P, payload.T);
    }
}
