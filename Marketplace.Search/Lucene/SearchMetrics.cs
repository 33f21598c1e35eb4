using System.Diagnostics.Metrics;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The embedded engine's gauges, on the meter <c>Marketplace.Search</c> (read them with
/// <c>dotnet-counters monitor --counters Marketplace.Search,System.Runtime -p PID</c> or any OpenTelemetry exporter):
/// how much of the postings cache budget is in use, so that resident memory can be told apart from the cache filling.
/// </summary>
internal static class SearchMetrics
{
    public const string MeterName = "Marketplace.Search";

    private static readonly Meter Meter = new(MeterName);

    static SearchMetrics()
    {
        Meter.CreateObservableGauge("marketplace.search.postings_cache.size", () => ClausePostingsCache.Statistics().Bytes, "By",
            "Decoded postings held for text searches, over every open segment");
        Meter.CreateObservableGauge("marketplace.search.postings_cache.entries", () => ClausePostingsCache.Statistics().Entries, "{clause}",
            "Clauses whose postings are held");
        Meter.CreateObservableGauge("marketplace.search.postings_cache.limit", () => ClausePostingsCache.Statistics().LimitBytes, "By",
            "The postings cache budget");
    }

    /// <summary>Creates the gauges once per process (the static constructor does the work).</summary>
    public static void Register() => _ = Meter;
}
