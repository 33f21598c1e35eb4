using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>What a text search hands its matches to, window by window (<see cref="TextScorer"/>).</summary>
internal interface ITextHits
{
    void SetSegment(AtomicReaderContext segment);

    /// <summary>
    /// Every document of a window that any clause matches and the request's filter accepts: bit <c>b</c> of
    /// <paramref name="words"/>[w] is document <c>windowStart + 64w + b</c>. For totals and facets: never pruned.
    /// </summary>
    void Matched(int windowStart, ReadOnlySpan<long> words);

    /// <summary>A document scoring below this cannot enter the results (negative infinity while any may).</summary>
    float MinCompetitiveScore { get; }

    /// <summary>A document passing every filter that may enter the results, with its exact score.</summary>
    void Collect(int doc, float score);
}

/// <summary>
/// Runs a <see cref="ScoringPlan"/> term at a time over decoded, cached clause postings (<see cref="ClausePostingsCache"/>)
/// into per-document accumulators. The scores are Lucene's for <see cref="ScoringPlan.ToQuery"/> under
/// <see cref="OfferingSimilarity"/> (BM25) — the same idf, length normalization against the index's average field lengths,
/// boosts and best-of with tie-breaker per clause (tests compare the two) — without Lucene's scorer tree: a text search
/// visits each posting as one multiply-add over arrays.
/// <para>
/// Weak clauses are skipped once the results cannot change (MaxScore, with bounds per block of documents): a clause's
/// score in a block is bounded by its leaves' largest factors there. A search adds clause scores in one order, strongest
/// bound first; in each window, the clauses at the end of that order whose bounds together stay below the collector's
/// lowest competitive score are skipped: they only mark the documents they match (for totals and facets, which stay
/// exact), and add their scores only to the documents that the other clauses matched and that those bounds could still
/// lift into the results. Every document that may enter the results thus gets the same sum in the same order as without
/// skipping: the results are exactly those of scoring everything.
/// </para>
/// </summary>
internal static class TextScorer
{
    /// <summary>Relative margin on score bounds, far above float rounding: a bound never falls below a score it covers.</summary>
    private const double BoundMargin = 1e-5;

    private static readonly ConcurrentBag<Accumulators> Pool = [];

    /// <summary>Hands every matching document the filter accepts, with its score, to a Lucene collector (no pruning).</summary>
    public static void Run(IndexSearcher searcher, ScoringPlan plan, RequestFilter filter, ICollector collector, long cacheBudgetBytes) =>
        Run(searcher, plan, filter, new CollectorHits(collector), cacheBudgetBytes);

    public static void Run(IndexSearcher searcher, ScoringPlan plan, RequestFilter filter, ITextHits hits, long cacheBudgetBytes)
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

        var scored = new ScoredPostings[segments.Count][];
        for (var s = 0; s < segments.Count; s++)
        {
            scored[s] = new ScoredPostings[clauses.Count];
            for (var c = 0; c < clauses.Count; c++)
            {
                scored[s][c] = postings[s][c].Scored(averageLengths[c], lengthTables[c]);
            }
        }
        // One order of the clauses for the whole search, strongest bound (over all segments) first: a document's score
        // is its clause scores added in this order, and the clauses a segment skips are always the end of it.
        var bounds = new float[clauses.Count];
        for (var c = 0; c < clauses.Count; c++)
        {
            for (var s = 0; s < segments.Count; s++)
            {
                for (var block = 0; block < scored[s][c].MaxFactors[0].Length; block++)
                {
                    bounds[c] = Math.Max(bounds[c], UpperBound(scored[s][c].MaxFactors, block, values[c]));
                }
            }
        }
        var order = Enumerable.Range(0, clauses.Count).OrderByDescending(c => bounds[c]).ThenBy(c => c).ToArray();

        var accumulators = Rent();
        try
        {
            for (var s = 0; s < segments.Count; s++)
            {
                var segment = segments[s];
                hits.SetSegment(segment);
                new SegmentScorer(postings[s], scored[s], values, order, segment.AtomicReader.MaxDoc, filter.For(segment), hits, accumulators).Run();
            }
        }
        finally
        {
            Pool.Add(accumulators);
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
    /// A clause's score from its leaves' scores: the best plus the tie-breaker share of the others (0 when none holds the
    /// document). The one formula of every path (rows, vectors, look-ups, bounds), so that they agree to the bit.
    /// </summary>
    private static float Combine(float best, float sum) => best + ((sum - best) * ScoringClause.TieBreaker);

    /// <summary>
    /// The largest score the clause can give a document of a block (<see cref="ClausePostings.BoundWindow"/> documents of
    /// a segment): <see cref="Combine"/> of its leaves' largest scores there.
    /// </summary>
    private static float UpperBound(float[][] maxFactors, int block, float[] leafValues)
    {
        float best = 0, sum = 0;
        for (var l = 0; l < maxFactors.Length; l++)
        {
            var leafScore = maxFactors[l][block] * leafValues[l];
            sum += leafScore;
            if (leafScore > best)
            {
                best = leafScore;
            }
        }
        return Combine(best, sum);
    }

    private static Accumulators Rent() => Pool.TryTake(out var pooled) ? pooled : new Accumulators();

    /// <summary>
    /// Scores one segment window by window, clauses in the search's order (<paramref name="order"/>: strongest bound
    /// first), with its own cursors into every clause's lists.
    /// </summary>
    private sealed class SegmentScorer
    {
        private readonly ClausePostings[] _clauses;
        private readonly ScoredPostings[] _scored;
        private readonly float[][] _values;
        private readonly int[] _order;
        private readonly long[] _accepted;
        private readonly long[] _passing;
        private readonly ITextHits _hits;
        private readonly Accumulators _accumulators;
        private readonly int _maxDoc;

        /// <summary>Per clause: cursors into each leaf's list and into the rows.</summary>
        private readonly int[][] _listAt;
        private readonly int[] _rowAt;

        /// <summary>Per position in the order: the sum of the bounds of the clauses from there on (this window's).</summary>
        private readonly double[] _remaining;

        public SegmentScorer(ClausePostings[] clauses, ScoredPostings[] scored, float[][] values, int[] order, int maxDoc, SegmentFilter filter,
            ITextHits hits, Accumulators accumulators)
        {
            _clauses = clauses;
            _scored = scored;
            _values = values;
            _order = order;
            _accepted = filter.Accepted.GetBits();
            _passing = filter.Passing.GetBits();
            _hits = hits;
            _accumulators = accumulators;
            _maxDoc = maxDoc;
            _listAt = clauses.Select(c => new int[c.LeafCount]).ToArray();
            _rowAt = new int[clauses.Length];
            _remaining = new double[order.Length + 1];
        }

        public void Run()
        {
            var total = _accumulators.Total;
            var touched = _accumulators.Touched;
            var marked = _accumulators.Marked;
            var candidates = _accumulators.Candidates;
            var matched = _accumulators.MatchedWords;
            for (var windowStart = 0; windowStart < _maxDoc; windowStart += Accumulators.Window)
            {
                var windowEnd = Math.Min(_maxDoc, windowStart + Accumulators.Window);
                var words = (windowEnd - windowStart + 63) >> 6;
                var first = windowStart >> 6;

                // The end of the order is skipped while those clauses' bounds in this window together cannot lift a
                // document into the results.
                var minCompetitive = _hits.MinCompetitiveScore;
                var cut = _order.Length;
                if (!float.IsNegativeInfinity(minCompetitive))
                {
                    var block = windowStart / Accumulators.Window;
                    for (var i = _order.Length - 1; i >= 0; i--)
                    {
                        _remaining[i] = _remaining[i + 1] + UpperBound(_scored[_order[i]].MaxFactors, block, _values[_order[i]]);
                    }
                    while (cut > 0 && _remaining[cut - 1] * (1 + BoundMargin) < minCompetitive)
                    {
                        cut--;
                    }
                }
                for (var i = 0; i < cut; i++)
                {
                    var c = _order[i];
                    if (_clauses[c].IsDense)
                    {
                        AddDense(c, windowStart, windowEnd);
                    }
                    else
                    {
                        AddSparse(c, windowStart, windowEnd, null);
                    }
                }

                // Candidates: documents passing every filter that the scored clauses matched and that the skipped ones
                // could still lift into the results. Only they get the skipped clauses' scores, added in the same order.
                for (var w = 0; w < words; w++)
                {
                    candidates[w] = touched[w] & _passing[first + w];
                }
                if (cut < _order.Length)
                {
                    var skipped = _remaining[cut];
                    for (var w = 0; w < words; w++)
                    {
                        var bits = candidates[w];
                        while (bits != 0)
                        {
                            var bit = bits & -bits;
                            bits &= bits - 1;
                            var slot = (w << 6) + BitOperations.TrailingZeroCount(bit);
                            if ((total[slot] + skipped) * (1 + BoundMargin) < minCompetitive)
                            {
                                candidates[w] &= ~bit;
                            }
                        }
                    }
                    for (var i = cut; i < _order.Length; i++)
                    {
                        var c = _order[i];
                        if (_clauses[c].IsDense)
                        {
                            AddDenseTo(c, windowStart, windowEnd, candidates, marked);
                        }
                        else
                        {
                            AddSparse(c, windowStart, windowEnd, candidates);
                        }
                    }
                }

                for (var w = 0; w < words; w++)
                {
                    matched[w] = (touched[w] | marked[w]) & _accepted[first + w];
                    marked[w] = 0;
                }
                _hits.Matched(windowStart, matched.AsSpan(0, words));

                for (var w = 0; w < words; w++)
                {
                    var bits = candidates[w];
                    while (bits != 0)
                    {
                        var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        _hits.Collect(windowStart + slot, (float)total[slot]);
                    }
                    bits = touched[w];
                    touched[w] = 0;
                    while (bits != 0)
                    {
                        total[(w << 6) + BitOperations.TrailingZeroCount(bits)] = 0;
                        bits &= bits - 1;
                    }
                }
            }
        }

        private static float RowScore(float[] factors, int row, float[] leafValues)
        {
            // Absent leaves have factor 0 and add nothing.
            var best = factors[row] * leafValues[0];
            var sum = best;
            for (var l = 1; l < leafValues.Length; l++)
            {
                var leafScore = factors[row + l] * leafValues[l];
                sum += leafScore;
                if (leafScore > best)
                {
                    best = leafScore;
                }
            }
            return Combine(best, sum);
        }

        /// <summary>
        /// A sparse clause's documents of the window: each one's clause score added to its total — every document's, or
        /// (a skipped clause) only the candidates', the others merely marked as matched.
        /// </summary>
        private void AddSparse(int c, int windowStart, int windowEnd, long[]? candidates)
        {
            var total = _accumulators.Total;
            var touched = candidates is null ? _accumulators.Touched : _accumulators.Marked;
            var clause = _clauses[c];
            var scored = _scored[c];
            var leafValues = _values[c];
            for (var l = 0; l < clause.LeafCount; l++)
            {
                // Held by this leaf alone: the clause scores the leaf's score (best = sum).
                var singles = clause.SingleDocs[l];
                var singleFactors = scored.SingleFactors[l];
                var value = leafValues[l];
                var i = _listAt[c][l];
                for (; i < singles.Length && singles[i] < windowEnd; i++)
                {
                    var slot = singles[i] - windowStart;
                    touched[slot >> 6] |= 1L << slot;
                    if (candidates is null || (candidates[slot >> 6] & (1L << slot)) != 0)
                    {
                        total[slot] += singleFactors[i] * value;
                    }
                }
                _listAt[c][l] = i;
            }
            var docs = clause.Docs;
            var factors = scored.Factors;
            var at = _rowAt[c];
            for (var row = at * clause.LeafCount; at < docs.Length && docs[at] < windowEnd; at++, row += clause.LeafCount)
            {
                var slot = docs[at] - windowStart;
                touched[slot >> 6] |= 1L << slot;
                if (candidates is null || (candidates[slot >> 6] & (1L << slot)) != 0)
                {
                    total[slot] += RowScore(factors, row, leafValues);
                }
            }
            _rowAt[c] = at;
        }

        /// <summary>
        /// A dense clause over the window: leaf by leaf (by document number eight at a time, or from its list), each
        /// document's best and sum of leaf scores, then the clause score of every document any leaf holds.
        /// </summary>
        private void AddDense(int c, int windowStart, int windowEnd)
        {
            var clause = _clauses[c];
            var scored = _scored[c];
            var leafValues = _values[c];
            var length = windowEnd - windowStart;
            var best = _accumulators.Best;
            var sum = _accumulators.Sum;
            Array.Clear(best, 0, length);
            Array.Clear(sum, 0, length);
            ref var bestAt = ref MemoryMarshal.GetArrayDataReference(best);
            ref var sumAt = ref MemoryMarshal.GetArrayDataReference(sum);
            for (var l = 0; l < clause.LeafCount; l++)
            {
                var value = leafValues[l];
                if (scored.Dense![l] is { } byDoc)
                {
                    ref var factors = ref MemoryMarshal.GetArrayDataReference(byDoc);
                    var slot = 0;
                    if (Vector256.IsHardwareAccelerated)
                    {
                        var values = Vector256.Create(value);
                        for (; slot + 8 <= length; slot += 8)
                        {
                            var leafScore = Vector256.LoadUnsafe(ref factors, (nuint)(windowStart + slot)) * values;
                            (Vector256.LoadUnsafe(ref sumAt, (nuint)slot) + leafScore).StoreUnsafe(ref sumAt, (nuint)slot);
                            Vector256.Max(Vector256.LoadUnsafe(ref bestAt, (nuint)slot), leafScore).StoreUnsafe(ref bestAt, (nuint)slot);
                        }
                    }
                    for (; slot < length; slot++)
                    {
                        AddLeafScore(best, sum, slot, byDoc[windowStart + slot] * value);
                    }
                    continue;
                }
                var list = clause.SingleDocs[l];
                var listFactors = scored.SingleFactors[l];
                var i = _listAt[c][l];
                for (; i < list.Length && list[i] < windowEnd; i++)
                {
                    AddLeafScore(best, sum, list[i] - windowStart, listFactors[i] * value);
                }
                _listAt[c][l] = i;
            }

            var total = _accumulators.Total;
            var touched = _accumulators.Touched;
            var at = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                ref var totals = ref MemoryMarshal.GetArrayDataReference(total);
                var tieBreaker = Vector256.Create(ScoringClause.TieBreaker);
                for (; at + 8 <= length; at += 8)
                {
                    var sums = Vector256.LoadUnsafe(ref sumAt, (nuint)at);
                    var bits = Vector256.GreaterThan(sums, Vector256<float>.Zero).ExtractMostSignificantBits();
                    if (bits == 0)
                    {
                        continue;
                    }
                    var bests = Vector256.LoadUnsafe(ref bestAt, (nuint)at);
                    var (low, high) = Vector256.Widen(bests + ((sums - bests) * tieBreaker)); // Combine, eight at a time
                    (Vector256.LoadUnsafe(ref totals, (nuint)at) + low).StoreUnsafe(ref totals, (nuint)at);
                    (Vector256.LoadUnsafe(ref totals, (nuint)(at + 4)) + high).StoreUnsafe(ref totals, (nuint)(at + 4));
                    touched[at >> 6] |= (long)bits << (at & 63);
                }
            }
            for (; at < length; at++)
            {
                if (sum[at] > 0)
                {
                    touched[at >> 6] |= 1L << at;
                    total[at] += Combine(best[at], sum[at]);
                }
            }
        }

        /// <summary>
        /// A skipped dense clause: its documents marked as matched, and its score added to the candidates', computed leaf by
        /// leaf as <see cref="AddDense"/> does (by document number, or from the leaf's list).
        /// </summary>
        private void AddDenseTo(int c, int windowStart, int windowEnd, long[] candidates, long[] marked)
        {
            var clause = _clauses[c];
            var first = windowStart >> 6;
            var words = (windowEnd - windowStart + 63) >> 6;
            var any = 0L;
            for (var w = 0; w < words; w++)
            {
                marked[w] |= clause.Present![first + w];
                any |= candidates[w] & clause.Present[first + w];
            }
            var scored = _scored[c];
            var leafValues = _values[c];
            var best = _accumulators.Best;
            var sum = _accumulators.Sum;
            if (any != 0)
            {
                ForEachCandidate(candidates, words, slot => (best[slot], sum[slot]) = (0, 0));
            }
            for (var l = 0; l < clause.LeafCount; l++)
            {
                var value = leafValues[l];
                if (scored.Dense![l] is { } byDoc)
                {
                    if (any != 0)
                    {
                        ForEachCandidate(candidates, words, slot => AddLeafScore(best, sum, slot, byDoc[windowStart + slot] * value));
                    }
                    continue;
                }
                var list = clause.SingleDocs[l];
                var listFactors = scored.SingleFactors[l];
                var i = _listAt[c][l];
                for (; i < list.Length && list[i] < windowEnd; i++)
                {
                    var slot = list[i] - windowStart;
                    if ((candidates[slot >> 6] & (1L << slot)) != 0)
                    {
                        AddLeafScore(best, sum, slot, listFactors[i] * value);
                    }
                }
                _listAt[c][l] = i;
            }
            if (any != 0)
            {
                var total = _accumulators.Total;
                ForEachCandidate(candidates, words, slot =>
                {
                    if (sum[slot] > 0)
                    {
                        total[slot] += Combine(best[slot], sum[slot]);
                    }
                });
            }
        }

        private static void AddLeafScore(float[] best, float[] sum, int slot, float leafScore)
        {
            sum[slot] += leafScore;
            if (leafScore > best[slot])
            {
                best[slot] = leafScore;
            }
        }

        private static void ForEachCandidate(long[] candidates, int words, Action<int> action)
        {
            for (var w = 0; w < words; w++)
            {
                var bits = candidates[w];
                while (bits != 0)
                {
                    action((w << 6) + BitOperations.TrailingZeroCount(bits));
                    bits &= bits - 1;
                }
            }
        }
    }

    /// <summary>Per-document working arrays of one window of a segment, zeroed again as its documents are collected.</summary>
    private sealed class Accumulators
    {
        /// <summary>Documents per window: their running totals (16 KiB) and a dense clause's leaf scores stay in the first-level cache.</summary>
        public const int Window = ClausePostings.BoundWindow;

        public double[] Total { get; } = new double[Window];

        /// <summary>Bit set of the window's documents a scored clause matched.</summary>
        public long[] Touched { get; } = new long[Window / 64];

        /// <summary>Bit set of the window's documents only skipped clauses may have matched.</summary>
        public long[] Marked { get; } = new long[Window / 64];

        /// <summary>Bit set of the window's documents that may enter the results.</summary>
        public long[] Candidates { get; } = new long[Window / 64];

        /// <summary>The window's matched and accepted documents, as handed to <see cref="ITextHits.Matched"/>.</summary>
        public long[] MatchedWords { get; } = new long[Window / 64];

        /// <summary>A dense clause's best leaf score and sum of leaf scores per document of the window.</summary>
        public float[] Best { get; } = new float[Window];

        public float[] Sum { get; } = new float[Window];
    }

    /// <summary>Every match with its score to a Lucene collector, nothing pruned (tests compare this with Lucene).</summary>
    private sealed class CollectorHits(ICollector collector) : ITextHits
    {
        private readonly CurrentScore _score = new();

        public float MinCompetitiveScore => float.NegativeInfinity;

        public void SetSegment(AtomicReaderContext segment)
        {
            collector.SetNextReader(segment);
            collector.SetScorer(_score);
        }

        public void Matched(int windowStart, ReadOnlySpan<long> words)
        {
        }

        public void Collect(int doc, float score)
        {
            _score.Value = score;
            collector.Collect(doc);
        }
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
