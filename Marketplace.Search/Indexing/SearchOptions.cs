using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Resilience;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Indexing;

public enum SearchProvider
{
    /// <summary>Embedded Lucene.Net index in the data folder (default).</summary>
    Lucene,
    Elasticsearch,
}

/// <summary>Bound from <c>Marketplace:Search</c> and validated at start-up.</summary>
public sealed class SearchOptions
{
    public const string Section = "Marketplace:Search";

    public SearchProvider Provider { get; set; } = SearchProvider.Lucene;

    /// <summary>Lucene index folder; the host defaults it to <c>&lt;Marketplace:DataDirectory&gt;/index</c>.</summary>
    public string? IndexDirectory { get; set; }

    /// <summary>Lucene: answers kept for repeated identical searches until the next write (0 turns the cache off).</summary>
    public int ResultCacheEntries { get; set; } = 2_048;

    /// <summary>
    /// Whether a search sentence (12 letters or more) also finds the offerings of the technology items it is understood to
    /// ask for (their names and aliases are added to the query: about a tenth of the throughput on owners' sentences).
    /// </summary>
    public bool ReadSentences { get; set; } = true;

    /// <summary>Lucene: MiB of decoded postings kept for text searches, least recently searched evicted first (0 turns the cache off).</summary>
    public int PostingsCacheMegabytes { get; set; } = 256;

    /// <summary>Lucene: searches running at once (CPU-bound); more wait their turn. 0: twice the processor count.</summary>
    public int MaxConcurrentSearches { get; set; }

    /// <summary>Lucene: warm an index before it serves (at start-up, before reporting ready; before a rebuild is swapped in).</summary>
    public bool WarmUpPostings { get; set; } = true;

    /// <summary>
    /// Seconds of searches the node sends through its own HTTP pipeline before it reports ready, so that the runtime has
    /// compiled the hot code before a load balancer sends traffic (0 turns it off; nothing happens without an HTTP listener).
    /// </summary>
    public int HttpWarmUpSeconds { get; set; } = 20;

    public ElasticsearchSettings Elasticsearch { get; set; } = new();

    public SearchIndexerOptions Indexer { get; set; } = new();

    /// <summary>Retry, circuit breaker and timeout of index writes.</summary>
    public SearchResilienceOptions Resilience { get; set; } = new();

    /// <summary>How often this node compares its index with the database and repairs the drift (0 turns the periodic check off).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The periodic check's first pass runs this long after start-up, then every <see cref="ReconcileInterval"/>: an index
    /// folder restored from an old copy (which goes with a restart) is found within a minute, not a quarter of an hour. Long
    /// enough for the node to catch up on the outbox first; at most the interval.
    /// </summary>
    public TimeSpan ReconcileAfterStart { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Documents per batch when rebuilding the index.</summary>
    public int RebuildBatchSize { get; set; } = 1_000;

    /// <summary>
    /// Lucene: MiB of documents a rebuild buffers before it writes a segment. It adds to the node's memory while a
    /// rebuild runs beside the live generation; larger flushes less often (a faster rebuild), smaller keeps memory down.
    /// </summary>
    public int RebuildRamBufferMegabytes { get; set; } = (int)LuceneIndexOptions.DefaultRebuildRamBufferSizeMb;
}

/// <summary><c>Marketplace:Search:Elasticsearch</c>: where the cluster is and how to sign in (API key or user name and password).</summary>
public sealed class ElasticsearchSettings
{
    public string? Url { get; set; }
    public string? ApiKey { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
    public string IndexAlias { get; set; } = ElasticsearchOptions.DefaultIndexAlias;
    public int RequestTimeoutSeconds { get; set; } = 30;

    public ElasticsearchOptions ToOptions() => new()
    {
        Url = Uri.TryCreate(Url, UriKind.Absolute, out var url) ? url : throw new ArgumentException("Marketplace:Search:Elasticsearch:Url must be an absolute http(s) URL.", nameof(Url)),
        ApiKey = string.IsNullOrWhiteSpace(ApiKey) ? null : ApiKey,
        Username = string.IsNullOrWhiteSpace(Username) ? null : Username,
        Password = string.IsNullOrEmpty(Password) ? null : Password,
        IndexAlias = IndexAlias,
        RequestTimeout = TimeSpan.FromSeconds(RequestTimeoutSeconds),
    };
}

/// <summary><c>Marketplace:Search:Indexer</c>: the outbox indexer of this node.</summary>
public sealed class SearchIndexerOptions
{
    /// <summary>Turn off to run a node that serves requests but does not drain the outbox.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the outbox is polled when nothing pokes the indexer (publishes on this node wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    public int BatchSize { get; set; } = 200;

    /// <summary>First back-off after a failed batch; doubles per failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Processed outbox rows are deleted after this long. Nodes that follow the outbox as a log (their own Lucene index)
    /// read processed rows too, so a short retention would make a lagging node miss updates until it reconciles.
    /// </summary>
    public TimeSpan RetainProcessed { get; set; } = TimeSpan.FromDays(7);
}

public sealed class SearchOptionsValidator : IValidateOptions<SearchOptions>
{
    public ValidateOptionsResult Validate(string? name, SearchOptions options)
    {
        var errors = new List<string>();
        if (options.ResultCacheEntries < 0)
        {
            errors.Add("Marketplace:Search:ResultCacheEntries must be 0 (off) or more.");
        }
        if (options.PostingsCacheMegabytes is < 0 or > 65_536)
        {
            errors.Add("Marketplace:Search:PostingsCacheMegabytes must be between 0 (off) and 65536.");
        }
        if (options.MaxConcurrentSearches is < 0 or > 1_024)
        {
            errors.Add("Marketplace:Search:MaxConcurrentSearches must be between 0 (twice the processor count) and 1024.");
        }
        if (options.RebuildRamBufferMegabytes is < 16 or > 2_048)
        {
            errors.Add("Marketplace:Search:RebuildRamBufferMegabytes must be between 16 and 2048.");
        }
        if (options.HttpWarmUpSeconds is < 0 or > 600)
        {
            errors.Add("Marketplace:Search:HttpWarmUpSeconds must be between 0 (off) and 600.");
        }
        switch (options.Provider)
        {
            case SearchProvider.Lucene when string.IsNullOrWhiteSpace(options.IndexDirectory):
                errors.Add("Marketplace:Search:IndexDirectory is required for the lucene provider.");
                break;
            case SearchProvider.Elasticsearch:
                try
                {
                    options.Elasticsearch.ToOptions().Validate();
                }
                catch (ArgumentException e)
                {
                    errors.Add($"Marketplace:Search:Elasticsearch: {e.Message}");
                }
                break;
        }
        var indexer = options.Indexer;
        if (indexer.PollInterval <= TimeSpan.Zero || indexer.PollInterval > TimeSpan.FromMinutes(1))
        {
            errors.Add("Marketplace:Search:Indexer:PollInterval must be between 0 and 1 minute.");
        }
        if (indexer.BatchSize is < 1 or > 5_000)
        {
            errors.Add("Marketplace:Search:Indexer:BatchSize must be between 1 and 5000.");
        }
        if (indexer.InitialBackoff <= TimeSpan.Zero || indexer.MaxBackoff < indexer.InitialBackoff)
        {
            errors.Add("Marketplace:Search:Indexer:InitialBackoff must be positive and at most MaxBackoff.");
        }
        if (indexer.RetainProcessed < TimeSpan.FromHours(1) || indexer.RetainProcessed > TimeSpan.FromDays(365))
        {
            errors.Add("Marketplace:Search:Indexer:RetainProcessed must be between 1 hour and 365 days.");
        }
        if (options.ReconcileInterval < TimeSpan.Zero || options.ReconcileInterval > TimeSpan.FromDays(7)
            || (options.ReconcileInterval > TimeSpan.Zero && options.ReconcileInterval < TimeSpan.FromSeconds(1)))
        {
            errors.Add("Marketplace:Search:ReconcileInterval must be 0 (off) or between 1 second and 7 days.");
        }
        if (options.ReconcileAfterStart < TimeSpan.FromSeconds(1) || options.ReconcileAfterStart > TimeSpan.FromDays(7))
        {
            errors.Add("Marketplace:Search:ReconcileAfterStart must be between 1 second and 7 days.");
        }
        if (options.RebuildBatchSize is < 1 or > 10_000)
        {
            errors.Add("Marketplace:Search:RebuildBatchSize must be between 1 and 10000.");
        }
        var resilience = options.Resilience;
        if (resilience.MaxRetryAttempts < 0 || resilience.MinimumThroughput < 2 || resilience.FailureRatio is <= 0 or > 1
            || resilience.BaseDelay <= TimeSpan.Zero || resilience.AttemptTimeout <= TimeSpan.Zero || resilience.BreakDuration < TimeSpan.FromMilliseconds(500)
            || resilience.SamplingDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add("Marketplace:Search:Resilience has an invalid setting (retries ≥ 0, minimum throughput ≥ 2, failure ratio in (0, 1], positive delays, break and sampling durations ≥ 0.5 s).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
