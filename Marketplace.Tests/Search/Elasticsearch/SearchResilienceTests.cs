using Marketplace.Search.Elasticsearch;
using Marketplace.Search.Resilience;
using Polly.CircuitBreaker;

namespace Marketplace.Tests.Search.Elasticsearch;

internal static class ElasticsearchResilienceTestOptions
{
    public static readonly SearchResilienceOptions Fast = new()
    {
        MaxRetryAttempts = 3,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        MinimumThroughput = 100,
    };
}

/// <summary>The index-write pipeline: retry transient failures with backoff, break the circuit on a failing engine.</summary>
public sealed class SearchResilienceTests
{
    private static ElasticsearchRequestException Status(int status) => new("bulk", status, $"HTTP {status}");

    [Test]
    public async Task Retries_transient_failures_then_succeeds()
    {
        var pipeline = SearchResilience.CreateWritePipeline(ElasticsearchResilienceTestOptions.Fast);
        Exception[] failures = [Status(503), new HttpRequestException("refused"), Status(429)];
        var attempts = 0;

        await pipeline.ExecuteAsync(_ =>
        {
            if (attempts < failures.Length)
            {
                throw failures[attempts++];
            }
            attempts++;
            return ValueTask.CompletedTask;
        }, CancellationToken.None);

        Assert.That(attempts, Is.EqualTo(4));
    }

    [Test]
    public void Gives_up_after_the_configured_retries()
    {
        var pipeline = SearchResilience.CreateWritePipeline(ElasticsearchResilienceTestOptions.Fast with { MaxRetryAttempts = 2 });
        var attempts = 0;

        var ex = Assert.ThrowsAsync<ElasticsearchRequestException>(async () =>
            await pipeline.ExecuteAsync(_ => { attempts++; throw Status(502); }, CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.EqualTo(502));
        Assert.That(attempts, Is.EqualTo(3), "one attempt and two retries");
    }

    [Test]
    public void Does_not_retry_a_non_transient_failure()
    {
        var pipeline = SearchResilience.CreateWritePipeline(ElasticsearchResilienceTestOptions.Fast);
        var attempts = 0;

        Assert.ThrowsAsync<ElasticsearchRequestException>(async () =>
            await pipeline.ExecuteAsync(_ => { attempts++; throw Status(400); }, CancellationToken.None));

        Assert.That(attempts, Is.EqualTo(1));
    }

    [Test]
    public void Opens_the_circuit_after_repeated_failures()
    {
        var pipeline = SearchResilience.CreateWritePipeline(ElasticsearchResilienceTestOptions.Fast with
        {
            MaxRetryAttempts = 1,
            MinimumThroughput = 2,
            FailureRatio = 0.5,
            BreakDuration = TimeSpan.FromMinutes(1),
        });
        var attempts = 0;

        Assert.ThrowsAsync<ElasticsearchRequestException>(async () =>
            await pipeline.ExecuteAsync(_ => { attempts++; throw Status(503); }, CancellationToken.None));
        Assert.ThrowsAsync<BrokenCircuitException>(async () =>
            await pipeline.ExecuteAsync(_ => { attempts++; return ValueTask.CompletedTask; }, CancellationToken.None));

        Assert.That(attempts, Is.EqualTo(2), "the open circuit fails fast without calling Elasticsearch");
    }

    [TestCase(408, true)]
    [TestCase(429, true)]
    [TestCase(500, true)]
    [TestCase(503, true)]
    [TestCase(400, false)]
    [TestCase(404, false)]
    [TestCase(409, false)]
    public void Classifies_statuses(int status, bool transient) =>
        Assert.That(SearchResilience.IsTransient(Status(status)), Is.EqualTo(transient));

    [Test]
    public void Classifies_other_exceptions()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(SearchResilience.IsTransient(new ElasticsearchRequestException("bulk", null, "no answer")), Is.True);
            Assert.That(SearchResilience.IsTransient(new IOException()), Is.True);
            Assert.That(SearchResilience.IsTransient(new TimeoutException()), Is.True);
            Assert.That(SearchResilience.IsTransient(new InvalidOperationException()), Is.False);
            Assert.That(SearchResilience.IsTransient(new OperationCanceledException()), Is.False);
        }
    }
}
