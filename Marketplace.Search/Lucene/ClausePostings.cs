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

    public static LeafPostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringLeaf leaf)
    {
        var reader = segment.AtomicReader;
        var terms = reader.GetTerms(leaf.Field);
        var docFreqs = new int[leaf.Terms.Length];
        if (terms is null)
        {
            return new LeafPostings([], [], docFreqs);
        }
        var termsEnum = terms.GetEnumerator();
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
            termsEnum.SeekExact(new BytesRef(leaf.Terms[0]));
            var postings = termsEnum.Docs(null, null, DocsFlags.FREQS);
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
/// A clause's leaves merged in one segment, so that scoring a clause is a pass over contiguous arrays: documents only
/// one leaf holds (most: a word in the description alone) as that leaf's own list, and documents several leaves hold
/// once each, in order, with one code per leaf (0 where the leaf is absent). The codes are turned into BM25 factors
/// for the index's current average field lengths by <see cref="Scored"/>, kept until those lengths change (a write).
/// </summary>
internal sealed class ClausePostings
{
    private ScoredPostings? _scored;

    private ClausePostings(int leafCount, int[] docs, int[] codes, int[][] singleDocs, int[][] singleCodes, int[][]? dense,
        int[][] termDocFreqs)
    {
        LeafCount = leafCount;
        Docs = docs;
        Codes = codes;
        SingleDocs = singleDocs;
        SingleCodes = singleCodes;
        Dense = dense;
        TermDocFreqs = termDocFreqs;
    }

    public int LeafCount { get; }

    /// <summary>Documents held by several leaves.</summary>
    public int[] Docs { get; }

    /// <summary>Row per document of <see cref="Docs"/>: <c>Codes[i * LeafCount + leaf]</c> (<see cref="LeafPostings.Codes"/>).</summary>
    public int[] Codes { get; }

    /// <summary>Per leaf, the documents only it holds, and their codes.</summary>
    public int[][] SingleDocs { get; }

    public int[][] SingleCodes { get; }

    /// <summary>
    /// When the clause holds a large share of the segment (a common word), every leaf's codes by document number
    /// (0 where absent), for vectorized scoring; the document lists are then empty.
    /// </summary>
    public int[][]? Dense { get; }

    /// <summary>Per leaf, the segment document frequency of each of its terms.</summary>
    public int[][] TermDocFreqs { get; }

    /// <summary>The codes and, once scored, as many factors.</summary>
    public long Bytes => 64 + (Docs.Length * 4L) + (Codes.Length * 8L) + SingleDocs.Sum(d => 16 + (d.Length * 12L))
        + (Dense?.Sum(d => d.Length * 8L) ?? 0) + TermDocFreqs.Sum(t => 16 + (t.Length * 4L));

    /// <summary>A clause holding more than this share of the segment is kept dense.</summary>
    private const int DenseShare = 4;

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
        var factors = new float[Codes.Length];
        for (var i = 0; i < factors.Length; i++)
        {
            factors[i] = LeafPostings.Factor(Codes[i], lengthTables[i % LeafCount]);
        }
        var singleFactors = new float[LeafCount][];
        for (var l = 0; l < LeafCount; l++)
        {
            singleFactors[l] = Array.ConvertAll(SingleCodes[l], code => LeafPostings.Factor(code, lengthTables[l]));
        }
        var dense = Dense is null ? null : Dense.Select((codes, l) => Array.ConvertAll(codes, code => LeafPostings.Factor(code, lengthTables[l]))).ToArray();
        scored = new ScoredPostings((float[])averageLengths.Clone(), factors, singleFactors, dense);
        Volatile.Write(ref _scored, scored);
        return scored;
    }

    public static ClausePostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringClause clause)
    {
        var leaves = clause.Leaves.Select(l => LeafPostings.Read(searcher, segment, l)).ToArray();
        var count = leaves.Length;
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
        var maxDoc = segment.AtomicReader.MaxDoc;
        if (docs.Count + singleDocs.Sum(d => d.Count) > maxDoc / DenseShare)
        {
            var dense = leaves.Select(l =>
            {
                var byDoc = new int[maxDoc];
                for (var i = 0; i < l.Docs.Length; i++)
                {
                    byDoc[l.Docs[i]] = l.Codes[i];
                }
                return byDoc;
            }).ToArray();
            var none = leaves.Select(_ => Array.Empty<int>()).ToArray();
            return new ClausePostings(count, [], [], none, none, dense, leaves.Select(l => l.TermDocFreqs).ToArray());
        }
        return new ClausePostings(count, [.. docs], [.. codes],
            singleDocs.Select(d => d.ToArray()).ToArray(), singleCodes.Select(c => c.ToArray()).ToArray(), null,
            leaves.Select(l => l.TermDocFreqs).ToArray());
    }
}

/// <summary>A clause's BM25 factors in one segment for one set of average field lengths, laid out as its codes.</summary>
internal sealed record ScoredPostings(float[] AverageLengths, float[] Factors, float[][] SingleFactors, float[][]? Dense);
