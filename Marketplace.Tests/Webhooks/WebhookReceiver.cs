using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Marketplace.Tests.Webhooks;

/// <summary>
/// A real HTTP receiver for webhook tests: Kestrel on a free loopback port, recording every request, answering as
/// <see cref="Behaviour"/> says (status code, delay). Verifies signatures the way a receiver would, with its own HMAC code.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Received(string EventId, string Type, string Body, string Signature, string Timestamp, int Attempt, DateTimeOffset At, string Path)
    {
        public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
    }

    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>Decides the answer to a request (its path and the how-many-th request to that path, from 1): status code and delay.</summary>
    public Func<string, int, (int Status, TimeSpan Delay)> Behaviour { get; set; } = (_, _) => (200, TimeSpan.Zero);

    public string BaseUrl { get; private set; } = "";

    public string Url(string path) => BaseUrl + path;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        var counts = new ConcurrentDictionary<string, int>();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Path.Value ?? "";
            var n = counts.AddOrUpdate(path, 1, (_, c) => c + 1);
            var headers = context.Request.Headers;
            receiver.Requests.Enqueue(new Received(headers["X-Marketplace-Event-Id"].ToString(), headers["X-Marketplace-Event-Type"].ToString(), body,
                headers["X-Marketplace-Signature"].ToString(), headers["X-Marketplace-Timestamp"].ToString(),
                int.TryParse(headers["X-Marketplace-Delivery-Attempt"].ToString(), out var attempt) ? attempt : 0, DateTimeOffset.UtcNow, path));
            var (status, delay) = receiver.Behaviour(path, n);
            if (delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty;
                }
            }
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        receiver.BaseUrl = app.Urls.First().TrimEnd('/');
        return receiver;
    }

    public IReadOnlyList<Received> At(string path) => Requests.Where(r => r.Path == path).ToArray();

    /// <summary>What a receiver does with the raw body and headers: HMAC-SHA256 over "{timestamp}.{body}", hex, compared in constant time.</summary>
    public static bool SignatureIsValid(Received request, string secret, TimeSpan tolerance, DateTimeOffset? now = null)
    {
        var reference = (now ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        if (!long.TryParse(request.Timestamp, out var timestamp) || Math.Abs(reference - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        return request.Signature.Split(',', StringSplitOptions.TrimEntries)
            .Any(part => part.StartsWith("v1=", StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(part[3..]), Encoding.ASCII.GetBytes(expected)));
    }

    public static async Task EventuallyAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"timed out waiting until {what}");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
