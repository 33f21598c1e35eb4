namespace Marketplace.Search.Lucene;

/// <summary>Settings of the embedded Lucene.Net index.</summary>
public sealed class LuceneIndexOptions
{
    /// <summary>The root folder: holds one <c>gen-&lt;n&gt;</c> folder per physical index and the <c>current-generation</c> pointer.</summary>
    public required string IndexDirectory { get; init; }

    /// <summary>Indexing buffer of the live index; writes are committed per batch anyway.</summary>
    public double RamBufferSizeMb { get; init; } = 32;

    /// <summary>Indexing buffer while rebuilding: large, so a rebuild flushes rarely and commits once.</summary>
    public double RebuildRamBufferSizeMb { get; init; } = 192;

    /// <summary>
    /// Answers kept per index reader for repeated identical searches (popular queries, facet browsing); any write
    /// opens a new reader and so starts an empty cache. 0 turns it off.
    /// </summary>
    public int ResultCacheEntries { get; init; } = 2_048;

    /// <summary>
    /// Memory for decoded postings of the terms searched (a text search then costs array arithmetic, not postings
    /// decoding): at most this many MiB, shared out by segment size; 0 turns it off. Decoding every term of a
    /// 100,000-offering index takes about 150 MiB.
    /// </summary>
    public int PostingsCacheMegabytes { get; init; } = 256;

    /// <summary>
    /// Decode the postings of the domain terms and the most common words in the background when a generation opens
    /// (start-up, after a rebuild), so the first searches do not pay for it.
    /// </summary>
    public bool WarmUpPostings { get; init; } = true;

    /// <summary>Searches running at once (CPU-bound work); more wait their turn. 0: twice the processor count.</summary>
    public int MaxConcurrentSearches { get; init; }
}
