using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Runs a <see cref="ScoringPlan"/> term at a time over decoded, cached clause postings (<see cref="ClausePostingsCache"/>)
/// into per-document accumulators, and hands every matching accepted document with its score to the collector.
/// The scores are Lucene's for <see cref="ScoringPlan.ToQuery"/> under <see cref="OfferingSimilarity"/> (BM25) — the same
/// idf, length normalization against the index's average field lengths, boosts and best-of with tie-breaker per clause
/// (tests compare the two) — without Lucene's scorer tree: a text search visits each posting as one multiply-add over arrays, where
/// the scorer tree paid postings decoding, a heap per clause and a bucket table per posting on every search.
/// </summary>
internal static class TextScorer
{
    private static readonly ConcurrentBag<Accumulators> Pool = [];

    public static void Run(IndexSearcher searcher, ScoringPlan plan, RequestFilter filter, ICollector collector, long cacheBudgetBytes)
    {
        if (searcher.Similarity is not OfferingSimilarity similarity)
        {
            throw new InvalidOperationException($"The text scorer implements {nameof(OfferingSimilarity)} (BM25); the searcher uses {searcher.Similarity.GetType().Name}.");
        }
        var clauses = plan.Clauses;
        var segments = searcher.IndexReader.Leaves;

        // Postings of every clause in every segment first: the index-wide document frequencies give the weights.
        var postings = new ClausePostings[segments.Count][];
        for (var s = 0; s < segments.Count; s++)
        {
            postings[s] = new ClausePostings[clauses.Count];
            for (var c = 0; c < clauses.Count; c++)
            {
                postings[s][c] = ClausePostingsCache.Get(searcher, segments[s], clauses[c], cacheBudgetBytes);
            }
        }
        var values = LeafValues(searcher.IndexReader.MaxDoc, plan, postings, similarity);
        var (averageLengths, lengthTables) = LengthNormalization(searcher, plan, similarity);

        var score = new CurrentScore();
        var accumulators = Rent();
        try
        {
            for (var s = 0; s < segments.Count; s++)
            {
                var segment = segments[s];
                collector.SetNextReader(segment);
                collector.SetScorer(score);
                var scored = new ScoredPostings[clauses.Count];
                for (var c = 0; c < clauses.Count; c++)
                {
                    scored[c] = postings[s][c].Scored(averageLengths[c], lengthTables[c]);
                }
                ScoreSegment(postings[s], scored, values, segment.AtomicReader.MaxDoc, filter.For(segment).Accepted,
                    collector, score, accumulators);
            }
        }
        finally
        {
            Pool.Add(accumulators);
        }
    }

    /// <summary>
    /// Scores a segment window by window (<see cref="Accumulators.Window"/> documents, whose accumulators stay in the
    /// processor's first-level cache): every clause adds its documents of the window, then the window's matched and
    /// accepted documents go to the collector in document order.
    /// </summary>
    private static void ScoreSegment(ClausePostings[] clauses, ScoredPostings[] scored, float[][] values, int maxDoc, FixedBitSet accepted,
        ICollector collector, CurrentScore score, Accumulators accumulators)
    {
        var total = accumulators.Total;
        var matched = accumulators.Matched;
        var touched = accumulators.Touched;
        var singleAt = clauses.Select(c => new int[c.LeafCount]).ToArray();
        var multiAt = new int[clauses.Length];
        for (var windowStart = 0; windowStart < maxDoc; windowStart += Accumulators.Window)
        {
            var windowEnd = Math.Min(maxDoc, windowStart + Accumulators.Window);
            for (var c = 0; c < clauses.Length; c++)
            {
                var clause = clauses[c];
                var leafValues = values[c];
                var leafCount = clause.LeafCount;
                var factorsOf = scored[c];
                if (factorsOf.Dense is { } dense)
                {
                    AddDense(dense, leafValues, windowStart, windowEnd, total, matched, touched);
                    continue;
                }
                for (var l = 0; l < leafCount; l++)
                {
                    // Held by this leaf alone: the clause scores the leaf's score (best = sum).
                    var singles = clause.SingleDocs[l];
                    var singleFactors = factorsOf.SingleFactors[l];
                    var value = leafValues[l];
                    var i = singleAt[c][l];
                    for (; i < singles.Length && singles[i] < windowEnd; i++)
                    {
                        var slot = singles[i] - windowStart;
                        if (matched[slot]++ == 0)
                        {
                            touched[slot >> 6] |= 1L << slot;
                        }
                        total[slot] += singleFactors[i] * value;
                    }
                    singleAt[c][l] = i;
                }
                var docs = clause.Docs;
                var factors = factorsOf.Factors;
                var at = multiAt[c];
                for (var row = at * leafCount; at < docs.Length && docs[at] < windowEnd; at++, row += leafCount)
                {
                    // Best of the leaves plus the tie-breaker share of the others; absent leaves have factor 0.
                    var best = factors[row] * leafValues[0];
                    var sum = best;
                    for (var l = 1; l < leafCount; l++)
                    {
                        var leafScore = factors[row + l] * leafValues[l];
                        sum += leafScore;
                        if (leafScore > best)
                        {
                            best = leafScore;
                        }
                    }
                    var slot = docs[at] - windowStart;
                    if (matched[slot]++ == 0)
                    {
                        touched[slot >> 6] |= 1L << slot;
                    }
                    total[slot] += best + ((sum - best) * ScoringClause.TieBreaker);
                }
                multiAt[c] = at;
            }

            for (var w = 0; w < touched.Length; w++)
            {
                var bits = touched[w];
                touched[w] = 0;
                while (bits != 0)
                {
                    var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    var doc = windowStart + slot;
                    if (accepted.Get(doc))
                    {
                        score.Value = (float)total[slot];
                        collector.Collect(doc);
                    }
                    total[slot] = 0;
                    matched[slot] = 0;
                }
            }
        }
    }

    /// <summary>
    /// Each leaf's weight as BM25 computes it: idf (summed over a phrase's terms, from the index-wide document
    /// frequencies) × the leaf's boost × the clause's boost × (k1 + 1). BM25 has no query norm and no coordination
    /// factor; the term-frequency part comes from the scored postings.
    /// </summary>
    /// <param name="postings">Per segment, per clause.</param>
    private static float[][] LeafValues(int maxDoc, ScoringPlan plan, ClausePostings[][] postings, OfferingSimilarity similarity)
    {
        var clauses = plan.Clauses;
        var values = new float[clauses.Count][];
        for (var c = 0; c < clauses.Count; c++)
        {
            var leaves = clauses[c].Leaves;
            values[c] = new float[leaves.Length];
            for (var l = 0; l < leaves.Length; l++)
            {
                float idf = 0;
                for (var t = 0; t < leaves[l].Terms.Length; t++)
                {
                    long docFreq = 0;
                    foreach (var segment in postings)
                    {
                        docFreq += segment[c].TermDocFreqs[l][t];
                    }
                    idf += similarity.TermIdf(docFreq, maxDoc);
                }
                values[c][l] = idf * leaves[l].Boost * clauses[c].Boost * (similarity.K1 + 1);
            }
        }
        return values;
    }

    /// <summary>Per clause and leaf: the field's average length and BM25's length table for it (one per field per search).</summary>
    private static (float[][] AverageLengths, float[][][] Tables) LengthNormalization(IndexSearcher searcher, ScoringPlan plan, OfferingSimilarity similarity)
    {
        var byField = new Dictionary<string, (float Average, float[] Table)>(StringComparer.Ordinal);
        var averages = new float[plan.Clauses.Count][];
        var tables = new float[plan.Clauses.Count][][];
        for (var c = 0; c < plan.Clauses.Count; c++)
        {
            var leaves = plan.Clauses[c].Leaves;
            averages[c] = new float[leaves.Length];
            tables[c] = new float[leaves.Length][];
            for (var l = 0; l < leaves.Length; l++)
            {
                if (!byField.TryGetValue(leaves[l].Field, out var field))
                {
                    var statistics = searcher.CollectionStatistics(leaves[l].Field);
                    var table = similarity.LengthTable(statistics);
                    byField[leaves[l].Field] = field = (similarity.AverageLength(statistics), table);
                }
                averages[c][l] = field.Average;
                tables[c][l] = field.Table;
            }
        }
        return (averages, tables);
    }

    /// <summary>
    /// Adds a dense clause's scores over a window, eight documents at a time, with the arithmetic of the row loop in
    /// <see cref="ScoreSegment"/>: the best leaf plus the tie-breaker share of the others, absent leaves adding 0 and
    /// documents no leaf holds adding nothing and not counting.
    /// </summary>
    private static void AddDense(float[][] leaves, float[] leafValues, int windowStart, int windowEnd, double[] total, int[] matched, long[] touched)
    {
        var length = windowEnd - windowStart;
        var slot = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var tieBreaker = Vector256.Create(ScoringClause.TieBreaker);
            ref var totals = ref MemoryMarshal.GetArrayDataReference(total);
            ref var counts = ref MemoryMarshal.GetArrayDataReference(matched);
            for (; slot + 8 <= length; slot += 8)
            {
                var at = (nuint)(windowStart + slot);
                var best = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(leaves[0]), at) * Vector256.Create(leafValues[0]);
                var sum = best;
                for (var l = 1; l < leaves.Length; l++)
                {
                    var leafScore = Vector256.LoadUnsafe(ref MemoryMarshal.GetArrayDataReference(leaves[l]), at) * Vector256.Create(leafValues[l]);
                    sum += leafScore;
                    best = Vector256.Max(best, leafScore);
                }
                var present = Vector256.GreaterThan(sum, Vector256<float>.Zero);
                var bits = present.ExtractMostSignificantBits();
                if (bits == 0)
                {
                    continue;
                }
                var (low, high) = Vector256.Widen(best + ((sum - best) * tieBreaker));
                (Vector256.LoadUnsafe(ref totals, (nuint)slot) + low).StoreUnsafe(ref totals, (nuint)slot);
                (Vector256.LoadUnsafe(ref totals, (nuint)(slot + 4)) + high).StoreUnsafe(ref totals, (nuint)(slot + 4));
                (Vector256.LoadUnsafe(ref counts, (nuint)slot) - present.AsInt32()).StoreUnsafe(ref counts, (nuint)slot);
                touched[slot >> 6] |= (long)bits << (slot & 63);
            }
        }
        for (; slot < length; slot++)
        {
            var doc = windowStart + slot;
            var best = leaves[0][doc] * leafValues[0];
            var sum = best;
            for (var l = 1; l < leaves.Length; l++)
            {
                var leafScore = leaves[l][doc] * leafValues[l];
                sum += leafScore;
                if (leafScore > best)
                {
                    best = leafScore;
                }
            }
            if (sum > 0)
            {
                matched[slot]++;
                touched[slot >> 6] |= 1L << slot;
                total[slot] += best + ((sum - best) * ScoringClause.TieBreaker);
            }
        }
    }

    private static Accumulators Rent() => Pool.TryTake(out var pooled) ? pooled : new Accumulators();

    /// <summary>Per-document working arrays of one window of a segment, zeroed again as its documents are collected.</summary>
    private sealed class Accumulators
    {
        /// <summary>Documents per window: their running totals and match counts (24 KiB) stay in the first-level cache.</summary>
        public const int Window = 2_048;

        public double[] Total { get; } = new double[Window];

        public int[] Matched { get; } = new int[Window];

        /// <summary>Bit set of the window's documents any clause matched.</summary>
        public long[] Touched { get; } = new long[Window / 64];
    }

    /// <summary>The collector reads each document's score here.</summary>
    private sealed class CurrentScore() : Scorer(null)
    {
        public float Value { get; set; }

        public override float GetScore() => Value;

        public override int Freq => 1;

        public override int DocID => throw new NotSupportedException();

        public override int NextDoc() => throw new NotSupportedException();

        public override int Advance(int target) => throw new NotSupportedException();

        public override long GetCost() => 0;
    }
}
