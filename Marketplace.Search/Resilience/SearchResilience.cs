using Marketplace.Search.Elasticsearch;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Marketplace.Search.Resilience;

/// <summary>
/// Settings of the index-write pipeline. The defaults keep every wait short (issue 9: within 10 s of an engine's recovery
/// everything waiting is indexed): an attempt that hangs is given up after 4 s, an open circuit tries again after 2 s, and
/// the outbox indexer's own back-off stops at 2 s (<see cref="Indexing.SearchIndexerOptions.MaxBackoff"/>).
/// </summary>
public sealed record SearchResilienceOptions
{
    /// <summary>Retries after the first attempt.</summary>
    public int MaxRetryAttempts { get; init; } = 3;
    /// <summary>Delay before the first retry; doubles with each further retry (with jitter).</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);
    public bool UseJitter { get; init; } = true;
    /// <summary>Time limit of one attempt (a bulk write of a batch; retried, which the version guard makes harmless).</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(4);
    /// <summary>Share of transient failures, within <see cref="SamplingDuration"/>, that opens the circuit.</summary>
    public double FailureRatio { get; init; } = 0.5;
    /// <summary>Calls needed within <see cref="SamplingDuration"/> before the circuit may open (at least 2).</summary>
    public int MinimumThroughput { get; init; } = 10;
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long an open circuit fails calls fast with <see cref="BrokenCircuitException"/>.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// The Polly pipeline that guards search-index writes (the outbox indexer wraps
/// <c>IOfferingIndex.WriteAsync</c> in it): retry with exponential backoff and jitter on transient
/// failures, around a circuit breaker, around a per-attempt timeout. Non-transient failures (a
/// mapping error, a 400) pass through at once; an open circuit is not retried, so the caller can
/// leave the work in its outbox and come back later.
/// </summary>
public static class SearchResilience
{
    public static ResiliencePipeline CreateWritePipeline(SearchResilienceOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new SearchResilienceOptions();
        var shouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { Name = "search-index-writes" };
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }
        return builder
            .AddRetry(Retry(options))
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = shouldHandle,
                FailureRatio = options.FailureRatio,
                MinimumThroughput = options.MinimumThroughput,
                SamplingDuration = options.SamplingDuration,
                BreakDuration = options.BreakDuration,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// Retries of a rebuild's batches (an engine turning a batch away with 429 would otherwise fail the whole rebuild): the
    /// write pipeline's retries, without its per-attempt timeout — a rebuild batch is far larger than an outbox batch, and the
    /// engine's own request timeout bounds it — or its circuit breaker (one caller, which fails the job once retries are spent).
    /// Adding a batch again is harmless: both engines guard versions.
    /// </summary>
    public static ResiliencePipeline CreateRebuildPipeline(SearchResilienceOptions? options = null, TimeProvider? timeProvider = null)
    {
        var builder = new ResiliencePipelineBuilder { Name = "search-index-rebuilds" };
        if (timeProvider is not null)
        {
            builder.TimeProvider = timeProvider;
        }
        return builder.AddRetry(Retry(options ?? new SearchResilienceOptions())).Build();
    }

    private static RetryStrategyOptions Retry(SearchResilienceOptions options) => new()
    {
        ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
        MaxRetryAttempts = options.MaxRetryAttempts,
        Delay = options.BaseDelay,
        MaxDelay = options.MaxDelay,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = options.UseJitter,
    };

    /// <summary>
    /// Failures worth retrying: no answer or an overloaded/failing server (<see cref="ElasticsearchRequestException.IsTransient"/>:
    /// 408, 429, 5xx), network and I/O errors, and timeouts. Cancellation by the caller is never transient.
    /// </summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        ElasticsearchRequestException es => es.IsTransient,
        HttpRequestException or IOException or TimeoutException or TimeoutRejectedException => true,
        _ => false,
    };
}
