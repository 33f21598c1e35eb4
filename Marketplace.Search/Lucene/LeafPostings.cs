using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace Marketplace.Search.Lucene;

/// <summary>
/// A leaf's postings in one segment, decoded once: the documents holding it (deleted ones included, as in Lucene's
/// statistics) with each one's <c>tf(freq) × lengthNorm</c>, and the segment document frequency of each of its terms.
/// A leaf's score in a document is that factor times the leaf's query weight, which alone depends on the index-wide
/// statistics — so these stay valid for the life of the segment, across index changes.
/// </summary>
internal sealed class LeafPostings(int[] docs, float[] factors, int[] termDocFreqs)
{
    public static readonly LeafPostings[] None = [];

    public int[] Docs { get; } = docs;

    public float[] Factors { get; } = factors;

    public int[] TermDocFreqs { get; } = termDocFreqs;

    public long Bytes => 64 + (Docs.Length * 8L) + (TermDocFreqs.Length * 4L);

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
/// Decoded leaf postings per segment core, up to a memory budget shared out by segment size; a leaf met once the
/// budget is spent is read for the search and not kept. Entries die with their segment.
/// </summary>
internal static class LeafPostingsCache
{
    private static readonly ConditionalWeakTable<object, SegmentEntries> Segments = new();

    public static LeafPostings Get(IndexSearcher searcher, AtomicReaderContext segment, ScoringLeaf leaf, TFIDFSimilarity similarity, long budgetBytes)
    {
        if (budgetBytes <= 0)
        {
            return LeafPostings.Read(searcher, segment, leaf, similarity);
        }
        var reader = segment.AtomicReader;
        var entries = Segments.GetValue(reader.CoreCacheKey, _ =>
            new SegmentEntries((long)(budgetBytes * ((double)reader.MaxDoc / Math.Max(1, searcher.IndexReader.MaxDoc)))));
        if (entries.Postings.TryGetValue(leaf.Key, out var cached))
        {
            return cached;
        }
        var postings = LeafPostings.Read(searcher, segment, leaf, similarity);
        if (Interlocked.Add(ref entries.UsedBytes, postings.Bytes) <= entries.LimitBytes)
        {
            if (!entries.Postings.TryAdd(leaf.Key, postings))
            {
                Interlocked.Add(ref entries.UsedBytes, -postings.Bytes); // another search added it meanwhile
            }
        }
        else
        {
            Interlocked.Add(ref entries.UsedBytes, -postings.Bytes);
        }
        return postings;
    }

    /// <summary>Entries and bytes kept, over every live segment (for benchmarks and diagnostics).</summary>
    public static (int Entries, long Bytes, long LimitBytes) Statistics()
    {
        int entries = 0;
        long bytes = 0, limit = 0;
        foreach (var (_, segment) in Segments)
        {
            entries += segment.Postings.Count;
            bytes += Interlocked.Read(ref segment.UsedBytes);
            limit += segment.LimitBytes;
        }
        return (entries, bytes, limit);
    }

    private sealed class SegmentEntries(long limitBytes)
    {
        public readonly ConcurrentDictionary<string, LeafPostings> Postings = new(StringComparer.Ordinal);
        public readonly long LimitBytes = limitBytes;
        public long UsedBytes;
    }
}
