using System.Collections.Concurrent;
using Marketplace.Core.Matching;
using Marketplace.Search.Indexing;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Search;

/// <summary>
/// Search queries read as needs (<see cref="DemandMatcher.ReadSearchQuery"/>, about 0.2 ms each), the last ones kept per need
/// model: repeated queries are read once until the model learns from the catalog again. Kept as many as the search result
/// cache keeps answers (<c>Marketplace:Search:ResultCacheEntries</c>; 0 reads every query). With
/// <c>Marketplace:Search:ReadSentences=false</c> the reading is only shown, its terms are not searched.
/// </summary>
public sealed class SearchQueryReadings(DemandMatcher matcher, IOptions<SearchOptions> options)
{
    private readonly int _capacity = options.Value.ResultCacheEntries;
    private readonly bool _searchReadings = options.Value.ReadSentences;
    private Readings _readings = new(null);

    private sealed record Readings(NeedModel? Model)
    {
        public ConcurrentDictionary<string, SearchReading> Entries { get; } = new(StringComparer.Ordinal);
    }

    public SearchReading Read(string text)
    {
        var reading = Cached(text);
        return _searchReadings ? reading : reading with { BoostTerms = [] };
    }

    private SearchReading Cached(string text)
    {
        if (_capacity == 0)
        {
            return matcher.ReadSearchQuery(text);
        }
        var model = matcher.DemandNeeds;
        var readings = Volatile.Read(ref _readings);
        if (!ReferenceEquals(readings.Model, model))
        {
            readings = new Readings(model);
            Volatile.Write(ref _readings, readings);
        }
        if (readings.Entries.TryGetValue(text, out var known))
        {
            return known;
        }
        var reading = matcher.ReadSearchQuery(text);
        if (readings.Entries.Count < _capacity)
        {
            readings.Entries.TryAdd(text, reading);
        }
        return reading;
    }
}
