namespace Marketplace.Search.Lucene;

/// <summary>Settings of the embedded Lucene.Net index.</summary>
public sealed class LuceneIndexOptions
{
    /// <summary>The root folder: holds one <c>gen-&lt;n&gt;</c> folder per physical index and the <c>current-generation</c> pointer.</summary>
    public required string IndexDirectory { get; init; }

    /// <summary>Indexing buffer while rebuilding: large, so a rebuild flushes rarely and commits once.</summary>
    public double RebuildRamBufferSizeMb { get; init; } = DefaultRebuildRamBufferSizeMb;

    public const double DefaultRebuildRamBufferSizeMb = 192;

    /// <summary>
    /// Answers kept per index reader for repeated identical searches (popular queries, facet browsing); any write
    /// opens a new reader and so starts an empty cache. 0 turns it off.
    /// </summary>
    public int ResultCacheEntries { get; init; } = 2_048;

    /// <summary>
    /// Memory for decoded postings of the terms searched (a text search then costs array arithmetic, not postings
    /// decoding): at most this many MiB for the whole process, the least recently searched terms evicted first (CLOCK);
    /// 0 turns it off. At 100,000 offerings the real-language bench mix uses about 130 MiB.
    /// </summary>
    public int PostingsCacheMegabytes { get; init; } = 256;

    /// <summary>
    /// Warm a generation before it serves: after start-up (<see cref="LuceneOfferingIndex.WarmedUp"/>; the API is not
    /// ready until then) and before a rebuild is swapped in, decode the postings of the clauses the live searches use, the
    /// most common words and the domain terms, and run a few searches, so the first searches do not pay for it.
    /// </summary>
    public bool WarmUpPostings { get; init; } = true;

    /// <summary>Searches running at once (CPU-bound work); more wait their turn. 0: twice the processor count.</summary>
    public int MaxConcurrentSearches { get; init; }
}
