using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The ranking function of the embedded engine: Lucene's <see cref="BM25Similarity"/> with Elasticsearch's default
/// parameters (k1 1.2, b 0.75), so that both engines rank with BM25 alike. Used by the index writer (norms) and every
/// searcher; it also lends <see cref="TextScorer"/> BM25's own arithmetic (idf, length table), so the scorer's numbers are
/// Lucene's.
/// </summary>
/// <remarks>
/// The norm byte BM25 writes (<c>boost / √length</c>, one byte) is the byte Lucene's classic TF-IDF similarity wrote
/// (<c>boost · 1/√length</c>, same encoding): indexes written before the switch read correctly and need no rebuild
/// (<c>OfferingSimilarityTests</c> checks the two encodings agree for every length).
/// </remarks>
internal sealed class OfferingSimilarity() : BM25Similarity(K1Value, BValue)
{
    /// <summary>Term-frequency saturation (Elasticsearch's default).</summary>
    public const float K1Value = 1.2f;

    /// <summary>Length normalization (Elasticsearch's default).</summary>
    public const float BValue = 0.75f;

    public static OfferingSimilarity Instance { get; } = new();

    /// <summary>Index 256 of <see cref="LengthTable"/>: a field without norms scores as if b were 0.</summary>
    public const int NoNorms = 256;

    /// <summary>BM25's idf of a term in <paramref name="docFreq"/> of <paramref name="maxDoc"/> documents.</summary>
    public float TermIdf(long docFreq, long maxDoc) => Idf(docFreq, maxDoc);

    /// <summary>Steps of the average field length per doubling (<see cref="AvgFieldLength"/>).</summary>
    private const int AverageLengthStepsPerOctave = 64;

    /// <summary>BM25's average field length (<see cref="AvgFieldLength"/>).</summary>
    public float AverageLength(CollectionStatistics statistics) => AvgFieldLength(statistics);

    /// <summary>
    /// BM25's average field length — the field's total term count over the index's document count — rounded to the
    /// nearest of 64 steps per doubling (within 0.55 %). Every write moves the exact average a little, and every decoded
    /// clause's BM25 factors depend on it (<see cref="ClausePostings.Scored"/>): with the exact value each write made
    /// the next searches compute the factors of every cached clause again, a cache's worth of long-lived garbage per
    /// write under steady publishing. Rounded, they are recomputed only when the average crosses a step. Lucene's own
    /// queries use this similarity too, so the scorer's parity with them is exact; against Elasticsearch, which uses
    /// the exact average, a term's score differs by at most 0.55 % (about 0.2 % in a field of average length).
    /// </summary>
    protected override float AvgFieldLength(CollectionStatistics collectionStats) => RoundAverageLength(base.AvgFieldLength(collectionStats));

    internal static float RoundAverageLength(float average) =>
        average > 0 && float.IsFinite(average)
            ? MathF.Pow(2, MathF.Round(MathF.Log2(average) * AverageLengthStepsPerOctave) / AverageLengthStepsPerOctave)
            : average;

    /// <summary>
    /// <c>k1 · (1 − b + b · length / avgdl)</c> for every norm byte (the table <see cref="BM25Similarity"/> builds per
    /// query, the same float arithmetic), and k1 at <see cref="NoNorms"/>; avgdl from the field's collection statistics.
    /// </summary>
    public float[] LengthTable(CollectionStatistics statistics)
    {
        var avgdl = AverageLength(statistics);
        var table = new float[NoNorms + 1];
        for (var i = 0; i < NoNorms; i++)
        {
            table[i] = K1 * ((1 - B) + B * DecodeNormValue((byte)i) / avgdl);
        }
        table[NoNorms] = K1;
        return table;
    }
}
