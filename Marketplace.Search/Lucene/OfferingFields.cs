using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;
using Marketplace.Core.Searching;
using Marketplace.Search.Analysis;

namespace Marketplace.Search.Lucene;

/// <summary>The Lucene document layout of an offering.</summary>
internal static class OfferingFields
{
    public const string Id = "id";
    public const string IdBytes = "id_bin";
    public const string Version = "version";
    public const string Live = "live";
    public const string IdHash = "id_hash";
    public const string Source = "_source";
    public const string PriceMin = "price_min";
    public const string Days = "days";
    public const string Published = "published";

    // Facet fields carry the facet's public name: indexed terms for filters, sorted-set doc values for counts.
    public const string Direction = FacetNames.Direction;
    public const string SubDirection = FacetNames.SubDirection;
    public const string Type = FacetNames.Type;
    public const string Deployment = FacetNames.Deployment;
    public const string District = FacetNames.District;

    /// <summary>Searched text fields and their boosts, indexed as jieba words (<c>&lt;name&gt;_w</c>).</summary>
    /// <remarks>
    /// The title and keywords have their own fields; summary has its own; description, cases and supplier share one
    /// <c>body_w</c> field (fewer clauses per query term: each field is one more scorer over its postings).
    /// </remarks>
    public static readonly IReadOnlyList<(string Name, float Boost)> Text =
    [
        ("title", 3f), ("keywords", 2f), ("summary", 1.5f), (Body, 1f),
    ];

    /// <summary>The shared word field of the description, cases and supplier name.</summary>
    public const string Body = "body";

    /// <summary>
    /// Bigram fields and their boosts: the title on its own, every text field together in <c>all_b</c>
    /// (fewer clauses per query term than one bigram field per text field, same recall).
    /// </summary>
    public static readonly IReadOnlyList<(string Name, float Boost)> Bigrams =
    [
        ("title" + OfferingAnalysis.BigramSuffix, 3f), ("all" + OfferingAnalysis.BigramSuffix, 1f),
    ];

    public static IEnumerable<string> BigramFields => Bigrams.Select(b => b.Name);

    public static string IdTerm(Guid id) => id.ToString("N");

    /// <summary>The source of a live document: its doc values, or (an index written before them) its stored field.</summary>
    public static OfferingDocument ReadSource(IndexSearcher searcher, int doc)
    {
        var leaves = searcher.IndexReader.Leaves;
        var leaf = leaves[ReaderUtil.SubIndex(doc, leaves)];
        if (leaf.AtomicReader.GetBinaryDocValues(Source) is { } values)
        {
            var bytes = new BytesRef();
            values.Get(doc - leaf.DocBase, bytes);
            if (bytes.Length > 0)
            {
                return SourceCodec.Decode(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
            }
        }
        return ReadSource(searcher.Doc(doc));
    }

    private static OfferingDocument ReadSource(Document stored)
    {
        var bytes = stored.GetBinaryValue(Source) ?? throw new InvalidDataException("A live offering document has no stored source.");
        return SourceCodec.Decode(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length));
    }
}
