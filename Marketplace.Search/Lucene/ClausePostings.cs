using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A leaf's postings in one segment: the documents holding it (deleted ones included, as in Lucene's statistics)
/// with each one's <c>tf(freq) × lengthNorm</c>, and the segment document frequency of each of its terms.
/// A leaf's score in a document is that factor times the leaf's query weight, which alone depends on the index-wide
/// statistics.
/// </summary>
internal sealed class LeafPostings(int[] docs, float[] factors, int[] termDocFreqs)
{
    public int[] Docs { get; } = docs;

    public float[] Factors { get; } = factors;

    public int[] TermDocFreqs { get; } = termDocFreqs;

    public static LeafPostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringLeaf leaf, TFIDFSimilarity similarity)
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
        var factors = new List<float>();
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
                    factors.Add(Factor(similarity, scorer.Freq, norms, doc));
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
                factors.Add(Factor(similarity, postings.Freq, norms, doc));
            }
        }
        return new LeafPostings([.. docs], [.. factors], docFreqs);
    }

    private static float Factor(TFIDFSimilarity similarity, int freq, NumericDocValues? norms, int doc) =>
        similarity.Tf(freq) * (norms is null ? 1f : similarity.DecodeNormValue(norms.Get(doc)));
}

/// <summary>
/// A clause's leaves merged in one segment, so that scoring a clause is a pass over contiguous arrays: documents only
/// one leaf holds (most: a word in the description alone) as that leaf's own list, and documents several leaves hold
/// once each, in order, with one factor per leaf (0 where the leaf is absent).
/// </summary>
internal sealed class ClausePostings
{
    private ClausePostings(int leafCount, int[] docs, float[] factors, int[][] singleDocs, float[][] singleFactors, float[][]? dense,
        int[][] termDocFreqs)
    {
        LeafCount = leafCount;
        Docs = docs;
        Factors = factors;
        SingleDocs = singleDocs;
        SingleFactors = singleFactors;
        Dense = dense;
        TermDocFreqs = termDocFreqs;
    }

    public int LeafCount { get; }

    /// <summary>Documents held by several leaves.</summary>
    public int[] Docs { get; }

    /// <summary>Row per document of <see cref="Docs"/>: <c>Factors[i * LeafCount + leaf]</c>.</summary>
    public float[] Factors { get; }

    /// <summary>Per leaf, the documents only it holds, and their factors.</summary>
    public int[][] SingleDocs { get; }

    public float[][] SingleFactors { get; }

    /// <summary>
    /// When the clause holds a large share of the segment (a common word), every leaf's factors by document number
    /// (0 where absent), for vectorized scoring; the document lists are then empty.
    /// </summary>
    public float[][]? Dense { get; }

    /// <summary>Per leaf, the segment document frequency of each of its terms.</summary>
    public int[][] TermDocFreqs { get; }

    public long Bytes => 64 + (Docs.Length * 4L) + (Factors.Length * 4L) + SingleDocs.Sum(d => 16 + (d.Length * 8L))
        + (Dense?.Sum(d => d.Length * 4L) ?? 0) + TermDocFreqs.Sum(t => 16 + (t.Length * 4L));

    /// <summary>A clause holding more than this share of the segment is kept dense.</summary>
    private const int DenseShare = 4;

    public static ClausePostings Read(IndexSearcher searcher, AtomicReaderContext segment, ScoringClause clause, TFIDFSimilarity similarity)
    {
        var leaves = clause.Leaves.Select(l => LeafPostings.Read(searcher, segment, l, similarity)).ToArray();
        var count = leaves.Length;
        var docs = new List<int>();
        var factors = new List<float>();
        var singleDocs = leaves.Select(_ => new List<int>()).ToArray();
        var singleFactors = leaves.Select(_ => new List<float>()).ToArray();
        var next = new int[count];
        var row = new float[count];
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
                    row[l] = leaves[l].Factors[at];
                    next[l] = at + 1;
                    holders++;
                    holder = l;
                }
                else
                {
                    row[l] = 0f;
                }
            }
            if (holders == 1)
            {
                singleDocs[holder].Add(doc);
                singleFactors[holder].Add(row[holder]);
            }
            else
            {
                docs.Add(doc);
                factors.AddRange(row);
            }
        }
        var maxDoc = segment.AtomicReader.MaxDoc;
        if (docs.Count + singleDocs.Sum(d => d.Count) > maxDoc / DenseShare)
        {
            var dense = leaves.Select(l =>
            {
                var byDoc = new float[maxDoc];
                for (var i = 0; i < l.Docs.Length; i++)
                {
                    byDoc[l.Docs[i]] = l.Factors[i];
                }
                return byDoc;
            }).ToArray();
            var none = leaves.Select(_ => Array.Empty<int>()).ToArray();
            return new ClausePostings(count, [], [], none, leaves.Select(_ => Array.Empty<float>()).ToArray(), dense, leaves.Select(l => l.TermDocFreqs).ToArray());
        }
        return new ClausePostings(count, [.. docs], [.. factors],
            singleDocs.Select(d => d.ToArray()).ToArray(), singleFactors.Select(f => f.ToArray()).ToArray(), null,
            leaves.Select(l => l.TermDocFreqs).ToArray());
    }
}
