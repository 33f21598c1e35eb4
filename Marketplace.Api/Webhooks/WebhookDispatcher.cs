using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Marketplace.Core.Leasing;
using Marketplace.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Webhooks;

/// <summary>
/// Delivers webhook events from the outbox on this node. Each round claims due deliveries with this process's lease (at
/// most a few per endpoint, none of an endpoint already being sent to from here) and hands each endpoint's batch to its
/// own task, up to <see cref="WebhookOptions.MaxConcurrentEndpoints"/> endpoints at a time: a slow or failing receiver
/// holds one task, never the API or other receivers. While a batch is sent its leases are renewed (<see cref="Leases.Hold"/>);
/// each attempt is settled only while the lease is still held — delivered, retried with exponential back-off and jitter,
/// or dead after <see cref="WebhookOptions.RetryFor"/>. A process killed mid-delivery leaves its deliveries leased to a
/// holder that is gone; its successor (or any node, after one lease) sends them again with the same event id.
/// </summary>
public sealed class WebhookDispatcher(
    WebhookOutbox outbox,
    Leases leases,
    IHttpClientFactory http,
    WebhookSignal signal,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    private readonly ConcurrentDictionary<Guid, Task> _busy = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled)
        {
            logger.LogWarning("Webhook delivery disabled on this node (Marketplace:Webhooks:Enabled=false): other nodes deliver");
            return;
        }
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = await StartBatchesAsync(stoppingToken);
                failures = 0;
                if (started == 0 || _busy.Count >= o.MaxConcurrentEndpoints)
                {
                    await signal.WaitAsync(o.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                failures++;
                logger.LogError(e, "Webhook dispatcher could not read the outbox (failure {Failures}); retrying", failures);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 10)))), clock, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        await Task.WhenAll(_busy.Values);
    }

    /// <summary>Claims due deliveries and starts a task per endpoint; returns how many endpoints were started.</summary>
    private async Task<int> StartBatchesAsync(CancellationToken ct)
    {
        var o = options.Value;
        var free = o.MaxConcurrentEndpoints - _busy.Count;
        if (free <= 0)
        {
            return 0;
        }
        var claimed = await outbox.ClaimAsync(leases.Holder.Id, leases.ExpiryFromNow(), o.BatchSize, o.PerEndpointBatch, _busy.Keys.ToArray(), ct);
        var groups = claimed.GroupBy(d => d.EndpointId).ToArray();
        // More endpoints than free slots: give the rest back at once rather than sit on their leases.
        await outbox.ReleaseAsync(leases.Holder.Id, groups.Skip(free).SelectMany(g => g.Select(d => d.Seq)).ToArray(), ct);
        var started = 0;
        foreach (var group in groups.Take(free))
        {
            var batch = group.OrderBy(d => d.Seq).ToArray();
            var task = new TaskCompletionSource();
            if (_busy.TryAdd(group.Key, task.Task))
            {
                started++;
                _ = Task.Run(async () =>
                {
                    try
                    {
                        await DeliverAsync(batch, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        logger.LogError(e, "Webhook delivery to endpoint {Endpoint} failed unexpectedly; its deliveries are retried after their lease", group.Key);
                    }
                    finally
                    {
                        _busy.TryRemove(group.Key, out _);
                        task.SetResult();
                        signal.Poke();
                    }
                }, CancellationToken.None);
            }
        }
        return started;
    }

    /// <summary>Sends one endpoint's batch in order while holding its leases.</summary>
    private async Task DeliverAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken stoppingToken)
    {
        var remaining = batch.Select(d => d.Seq).ToList();
        await using (var held = leases.Hold(outbox, remaining.ToArray(), stoppingToken))
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, held.Lost);
            foreach (var delivery in batch)
            {
                if (linked.IsCancellationRequested)
                {
                    break;
                }
                var result = await SendAsync(delivery, linked.Token);
                if (linked.IsCancellationRequested && !result.Delivered)
                {
                    break; // shutting down or the lease was lost mid-attempt: not an answer from the receiver
                }
                remaining.Remove(delivery.Seq);
                held.Finished(delivery.Seq);
                var attempt = delivery.Attempts + 1;
                if (!await outbox.SettleAsync(delivery, leases.Holder.Id, result, Backoff(attempt), CancellationToken.None))
                {
                    logger.LogWarning("Webhook delivery {Delivery}: the lease was taken over before the attempt was recorded; the other holder sends it", delivery.DeliveryId);
                }
                else if (!result.Delivered)
                {
                    logger.LogInformation("Webhook delivery {Delivery} of event {Event} to {Url} failed (attempt {Attempt}): {Error}",
                        delivery.DeliveryId, delivery.EventId, delivery.Url, attempt, result.Error);
                }
            }
        }
        if (remaining.Count > 0)
        {
            await outbox.ReleaseAsync(leases.Holder.Id, remaining, CancellationToken.None);
        }
    }

    private async Task<WebhookOutbox.AttemptResult> SendAsync(ClaimedDelivery delivery, CancellationToken ct)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        var now = clock.GetUtcNow();
        var timestamp = now.ToUnixTimeSeconds();
        var secrets = delivery.PreviousSecret is not null && delivery.PreviousSecretUntil > now
            ? new[] { delivery.Secret, delivery.PreviousSecret }
            : [delivery.Secret];
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.EventIdHeader, delivery.EventId.ToString());
        request.Headers.Add(WebhookSignature.EventTypeHeader, delivery.EventType);
        request.Headers.Add(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookSignature.SignatureHeader, WebhookSignature.Header(secrets, timestamp, body));
        request.Headers.Add(WebhookSignature.AttemptHeader, (delivery.Attempts + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new WebhookOutbox.AttemptResult(true, status, null, Stopwatch.GetElapsedTime(started))
                : new WebhookOutbox.AttemptResult(false, status, $"HTTP {status} {response.ReasonPhrase}", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new WebhookOutbox.AttemptResult(false, null, FailureText(e, options.Value.AttemptTimeout), Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            return new WebhookOutbox.AttemptResult(false, null, "投递中断 (interrupted)", Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>
    /// A failed attempt as shown in the delivery's <c>lastError</c>. The receiver learns what to fix, not how this host's
    /// network looks: an internal address and a name that does not resolve read the same, and no resolver or socket
    /// message is passed on (it would tell which internal names exist and which ports answer).
    /// </summary>
    public static string FailureText(Exception e, TimeSpan attemptTimeout) => e switch
    {
        Polly.Timeout.TimeoutRejectedException or TaskCanceledException => $"{attemptTimeout.TotalSeconds:0.#} 秒内无应答 (no answer within {attemptTimeout.TotalSeconds:0.#} s)",
        Polly.CircuitBreaker.BrokenCircuitException => "接收端连续失败，暂停投递 (circuit open after repeated failures of this receiver)",
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError } or HttpRequestException { InnerException: ReceiverRefusedException }
            => "接收地址未解析到可用的公网地址 (the receiver's name resolves to no public address)",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => "TLS 握手失败 (TLS handshake failed)",
        HttpRequestException => "连接失败 (connection failed)",
        _ => "投递失败 (delivery failed)",
    };

    /// <summary>Initial back-off doubling per attempt up to the maximum, ±20 % jitter so retries of many events spread out.</summary>
    private TimeSpan Backoff(int attempt)
    {
        var o = options.Value;
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var delay = Math.Min(o.MaxBackoff.TotalMilliseconds, o.InitialBackoff.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(delay * (0.8 + 0.4 * Random.Shared.NextDouble()));
    }
}
