using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A leaf's postings in one segment: the documents holding it (deleted ones included, as in Lucene's statistics)
/// with each one's term frequency and norm byte packed in one code (<see cref="Code"/>), and the segment document
/// frequency of each of its terms. The codes hold nothing index-wide; BM25's length normalization (which depends on
/// the field's average length over the whole index) is applied when a search scores them (<see cref="ClausePostings.Scored"/>).
/// </summary>
internal sealed class LeafPostings(int[] docs, int[] codes, int[] termDocFreqs)
{
    /// <summary>Bits of a code that hold the norm byte, or <see cref="OfferingSimilarity.NoNorms"/>.</summary>
    public const int NormBits = 9;

    /// <summary>Frequencies above this (never seen in an offering) are counted as this.</summary>
    public const int MaxFreq = (1 << (31 - NormBits)) - 1;

    public int[] Docs { get; } = docs;

    public int[] Codes { get; } = codes;

    public int[] TermDocFreqs { get; } = termDocFreqs;

    /// <param name="enumerators">The segment core's enumerators to reuse (none: created for this read).</param>
    public static LeafPostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringLeaf leaf, TermEnumerators? enumerators = null)
    {
        var reader = segment.AtomicReader;
        var terms = reader.GetTerms(leaf.Field);
        var docFreqs = new int[leaf.Terms.Length];
        if (terms is null)
        {
            return new LeafPostings([], [], docFreqs);
        }
        var rented = enumerators?.Rent(terms, leaf.Field);
        try
        {
            return Read(searcher, segment, leaf, rented ?? new TermEnumerators.Rented(leaf.Field, terms.GetEnumerator()), docFreqs);
        }
        finally
        {
            if (rented is not null)
            {
                enumerators!.Return(rented);
            }
        }
    }

    private static LeafPostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringLeaf leaf, TermEnumerators.Rented enumerators, int[] docFreqs)
    {
        var reader = segment.AtomicReader;
        var termsEnum = enumerators.Terms;
        var found = true;
        for (var i = 0; i < leaf.Terms.Length; i++)
        {
            if (termsEnum.SeekExact(new BytesRef(leaf.Terms[i])))
            {
                docFreqs[i] = termsEnum.DocFreq;
            }
            else
            {
                found = false;
            }
        }
        if (!found)
        {
            return new LeafPostings([], [], docFreqs);
        }

        var norms = reader.GetNormValues(leaf.Field);
        var docs = new List<int>();
        var codes = new List<int>();
        if (leaf.IsPhrase)
        {
            // The exact phrase frequency comes from Lucene's own phrase scorer.
            var weight = leaf.ToQuery().CreateWeight(searcher);
            var scorer = weight.GetScorer(segment, acceptDocs: null);
            if (scorer is not null)
            {
                int doc;
                while ((doc = scorer.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
                {
                    docs.Add(doc);
                    codes.Add(Code(scorer.Freq, norms, doc));
                }
            }
        }
        else
        {
            if (leaf.Terms.Length > 1)
            {
                termsEnum.SeekExact(new BytesRef(leaf.Terms[0])); // a single term is where the loop above left the enum
            }
            var postings = enumerators.Docs = termsEnum.Docs(null, enumerators.Docs, DocsFlags.FREQS);
            int doc;
            while ((doc = postings.NextDoc()) != DocIdSetIterator.NO_MORE_DOCS)
            {
                docs.Add(doc);
                codes.Add(Code(postings.Freq, norms, doc));
            }
        }
        return new LeafPostings([.. docs], [.. codes], docFreqs);
    }

    /// <summary>The frequency above <see cref="NormBits"/>, the norm byte (as BM25's scorer reads it) below; never 0.</summary>
    private static int Code(int freq, NumericDocValues? norms, int doc) =>
        (Math.Min(freq, MaxFreq) << NormBits) | (norms is null ? OfferingSimilarity.NoNorms : (int)(norms.Get(doc) & 0xFF));

    /// <summary>BM25's term-frequency part of a code: <c>freq / (freq + k1 · (1 − b + b · length / avgdl))</c>, 0 for no code.</summary>
    public static float Factor(int code, float[] lengthTable)
    {
        if (code == 0)
        {
            return 0f;
        }
        float freq = code >> NormBits;
        return freq / (freq + lengthTable[code & ((1 << NormBits) - 1)]);
    }
}

/// <summary>
/// A clause's leaves merged in one segment, so that scoring a clause is a pass over contiguous arrays. Most clauses are
/// sparse: documents only one leaf holds (most: a word in the description alone) as that leaf's own list, and documents
/// several leaves hold once each, in order, with one code per leaf (0 where the leaf is absent). A clause holding a large
/// share of the segment (a common word) is dense: the leaves holding most documents keep their codes by document number
/// (vectorized scoring, direct look-ups), the others their whole list, and the documents any leaf holds are a bit set.
/// The codes are turned into BM25 factors for the index's current average field lengths by <see cref="Scored"/>, kept
/// until those lengths change (a write).
/// </summary>
internal sealed class ClausePostings
{
    /// <summary>A clause holding more than this share of the segment is kept dense.</summary>
    private const int DenseShare = 4;

    /// <summary>Documents per block of <see cref="ScoredPostings.MaxFactors"/>: the scorer's window.</summary>
    public const int BoundWindow = 2_048;

    /// <summary>In a dense clause, a leaf holding more than this share of the segment keeps its codes by document number.</summary>
    private const int DenseLeafShare = 2;

    /// <summary>All-zero block bounds by length, shared by the many leaves a segment does not hold.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, float[]> NoBounds = new();

    private ScoredPostings? _scored;

    private ClausePostings(int leafCount, int maxDoc, int[] docs, int[] codes, int[][] singleDocs, int[][] singleCodes, int[]?[]? dense,
        long[]? present, int[][] termDocFreqs)
    {
        LeafCount = leafCount;
        MaxDoc = maxDoc;
        Docs = docs;
        Codes = codes;
        SingleDocs = singleDocs;
        SingleCodes = singleCodes;
        Dense = dense;
        Present = present;
        TermDocFreqs = termDocFreqs;
    }

    public int LeafCount { get; }

    public int MaxDoc { get; }

    /// <summary>Sparse clause: documents held by several leaves.</summary>
    public int[] Docs { get; }

    /// <summary>Row per document of <see cref="Docs"/>: <c>Codes[i * LeafCount + leaf]</c> (<see cref="LeafPostings.Codes"/>).</summary>
    public int[] Codes { get; }

    /// <summary>
    /// Per leaf, a list of documents and their codes: in a sparse clause the documents only that leaf holds; in a dense
    /// clause every document of a leaf not kept by document number (empty for those that are).
    /// </summary>
    public int[][] SingleDocs { get; }

    public int[][] SingleCodes { get; }

    /// <summary>Dense clause: per leaf, its codes by document number (0 where absent), or null when the leaf is a list.</summary>
    public int[]?[]? Dense { get; }

    /// <summary>Dense clause: the documents any leaf holds, as bit set words.</summary>
    public long[]? Present { get; }

    public bool IsDense => Dense is not null;

    /// <summary>Per leaf, the segment document frequency of each of its terms.</summary>
    public int[][] TermDocFreqs { get; }

    /// <summary>The codes, as many factors once scored, and the bit set.</summary>
    public long Bytes => 64 + (Docs.Length * 4L) + (Codes.Length * 8L) + SingleDocs.Sum(d => 48 + (d.Length * 12L))
        + (Dense?.Sum(d => d is null ? 8 : 32 + (d.Length * 8L)) ?? 0) + (Present?.Length * 8L ?? 0) + TermDocFreqs.Sum(t => 16 + (t.Length * 4L))
        + (LeafCount * (32 + (((MaxDoc / BoundWindow) + 1) * 4L)));

    /// <summary>
    /// The BM25 factors of every code for the given per-leaf length tables (<see cref="OfferingSimilarity.LengthTable"/>),
    /// identified by the per-leaf average lengths they were built from: computed when those change, else reused.
    /// </summary>
    public ScoredPostings Scored(float[] averageLengths, float[][] lengthTables)
    {
        var scored = Volatile.Read(ref _scored);
        if (scored is not null && scored.AverageLengths.AsSpan().SequenceEqual(averageLengths))
        {
            return scored;
        }
        var windows = (MaxDoc + BoundWindow - 1) / BoundWindow;
        var max = new float[LeafCount][];
        for (var l = 0; l < LeafCount; l++)
        {
            max[l] = new float[Math.Max(1, windows)];
        }
        void Bound(int leaf, int doc, float factor)
        {
            ref var bound = ref max[leaf][doc / BoundWindow];
            if (factor > bound)
            {
                bound = factor;
            }
        }
        var factors = new float[Codes.Length];
        for (var i = 0; i < factors.Length; i++)
        {
            var l = i % LeafCount;
            factors[i] = LeafPostings.Factor(Codes[i], lengthTables[l]);
            Bound(l, Docs[i / LeafCount], factors[i]);
        }
        var singleFactors = new float[LeafCount][];
        for (var l = 0; l < LeafCount; l++)
        {
            singleFactors[l] = new float[SingleCodes[l].Length];
            for (var i = 0; i < singleFactors[l].Length; i++)
            {
                singleFactors[l][i] = LeafPostings.Factor(SingleCodes[l][i], lengthTables[l]);
                Bound(l, SingleDocs[l][i], singleFactors[l][i]);
            }
        }
        float[]?[]? dense = null;
        if (Dense is not null)
        {
            dense = new float[LeafCount][];
            for (var l = 0; l < LeafCount; l++)
            {
                if (Dense[l] is { } codes)
                {
                    var byDoc = dense[l] = new float[codes.Length];
                    for (var doc = 0; doc < codes.Length; doc++)
                    {
                        byDoc[doc] = LeafPostings.Factor(codes[doc], lengthTables[l]);
                        Bound(l, doc, byDoc[doc]);
                    }
                }
            }
        }
        for (var l = 0; l < LeafCount; l++)
        {
            if (Array.TrueForAll(max[l], m => m == 0))
            {
                max[l] = NoBounds.GetOrAdd(max[l].Length, length => new float[length]); // a leaf absent from the segment: shared
            }
        }
        scored = new ScoredPostings((float[])averageLengths.Clone(), factors, singleFactors, dense, max);
        Volatile.Write(ref _scored, scored);
        return scored;
    }

    /// <summary>The documents any leaf holds, as a bit set, and how many they are.</summary>
    private static (long[] Present, int Documents) Union(LeafPostings[] leaves, int maxDoc)
    {
        var present = new long[(maxDoc + 63) >> 6];
        var documents = 0;
        foreach (var leaf in leaves)
        {
            foreach (var doc in leaf.Docs)
            {
                var word = doc >> 6;
                var bit = 1L << doc;
                if ((present[word] & bit) == 0)
                {
                    present[word] |= bit;
                    documents++;
                }
            }
        }
        return (present, documents);
    }

    public static ClausePostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringClause clause, TermEnumerators? enumerators = null)
    {
        var leaves = clause.Leaves.Select(l => LeafPostings.Read(searcher, segment, l, enumerators)).ToArray();
        var count = leaves.Length;
        var maxDoc = segment.AtomicReader.MaxDoc;
        var termDocFreqs = leaves.Select(l => l.TermDocFreqs).ToArray();
        // Most clauses (a rare word) hold far fewer documents than would make them dense, whatever their overlap: no bit set.
        var documents = 0;
        long[]? present = null;
        if (leaves.Sum(l => (long)l.Docs.Length) > maxDoc / DenseShare)
        {
            (present, documents) = Union(leaves, maxDoc);
        }
        if (documents > maxDoc / DenseShare)
        {
            var dense = new int[]?[count];
            var lists = new int[count][];
            var listCodes = new int[count][];
            for (var l = 0; l < count; l++)
            {
                if (leaves[l].Docs.Length > maxDoc / DenseLeafShare)
                {
                    var byDoc = new int[maxDoc];
                    for (var i = 0; i < leaves[l].Docs.Length; i++)
                    {
                        byDoc[leaves[l].Docs[i]] = leaves[l].Codes[i];
                    }
                    (dense[l], lists[l], listCodes[l]) = (byDoc, [], []);
                }
                else
                {
                    (lists[l], listCodes[l]) = (leaves[l].Docs, leaves[l].Codes);
                }
            }
            return new ClausePostings(count, maxDoc, [], [], lists, listCodes, dense, present, termDocFreqs);
        }

        var docs = new List<int>();
        var codes = new List<int>();
        var singleDocs = leaves.Select(_ => new List<int>()).ToArray();
        var singleCodes = leaves.Select(_ => new List<int>()).ToArray();
        var next = new int[count];
        var row = new int[count];
        while (true)
        {
            var doc = int.MaxValue;
            for (var l = 0; l < count; l++)
            {
                if (next[l] < leaves[l].Docs.Length)
                {
                    doc = Math.Min(doc, leaves[l].Docs[next[l]]);
                }
            }
            if (doc == int.MaxValue)
            {
                break;
            }
            var holders = 0;
            var holder = 0;
            for (var l = 0; l < count; l++)
            {
                var at = next[l];
                if (at < leaves[l].Docs.Length && leaves[l].Docs[at] == doc)
                {
                    row[l] = leaves[l].Codes[at];
                    next[l] = at + 1;
                    holders++;
                    holder = l;
                }
                else
                {
                    row[l] = 0;
                }
            }
            if (holders == 1)
            {
                singleDocs[holder].Add(doc);
                singleCodes[holder].Add(row[holder]);
            }
            else
            {
                docs.Add(doc);
                codes.AddRange(row);
            }
        }
        return new ClausePostings(count, maxDoc, [.. docs], [.. codes],
            singleDocs.Select(d => d.ToArray()).ToArray(), singleCodes.Select(c => c.ToArray()).ToArray(), null, null, termDocFreqs);
    }
}

/// <summary>
/// A clause's BM25 factors in one segment for one set of average field lengths, laid out as its codes, and per leaf the
/// largest factor in each block of <see cref="ClausePostings.BoundWindow"/> documents (what bounds the clause's score there).
/// </summary>
internal sealed record ScoredPostings(float[] AverageLengths, float[] Factors, float[][] SingleFactors, float[]?[]? Dense, float[][] MaxFactors);
