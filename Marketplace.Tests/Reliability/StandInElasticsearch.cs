using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// A local HTTP stand-in for an Elasticsearch node, enough for the outbox indexer: the alias exists (with the current
/// schema version), refreshes succeed, bulk index operations
/// are applied with external versioning (a version not above the stored one is a 409 item, as Elasticsearch answers),
/// searches find nothing, cluster health is green. It can be switched to fail (503) or to hang (no answer until the client
/// gives up), and records every document version it accepted, in order.
/// </summary>
public sealed class StandInElasticsearch : IAsyncDisposable
{
    public enum Behaviour
    {
        Up,
        Failing,
        Hanging,
    }

    private readonly WebApplication _app;
    private readonly Lock _store = new();
    private readonly Dictionary<Guid, (long Version, bool Live)> _documents = [];
    private int _bulkRequests;

    private StandInElasticsearch(WebApplication app) => _app = app;

    public volatile Behaviour Mode;

    public Uri Url { get; private set; } = null!;

    /// <summary>Every accepted write: offering, version, live.</summary>
    public ConcurrentQueue<(Guid Id, long Version, bool Live)> Accepted { get; } = new();

    /// <summary>Every index operation received while up, in the order of arrival, whether applied or refused as older.</summary>
    public ConcurrentQueue<(Guid Id, long Version)> Received { get; } = new();

    /// <summary>Bulk requests received, whatever the answer.</summary>
    public int BulkRequests => Volatile.Read(ref _bulkRequests);

    public (long Version, bool Live)? Document(Guid id)
    {
        lock (_store)
        {
            return _documents.TryGetValue(id, out var document) ? document : null;
        }
    }

    public static async Task<StandInElasticsearch> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new StandInElasticsearch(app);
        app.Run(standIn.HandleAsync);
        await app.StartAsync();
        standIn.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return standIn;
    }

    private async Task HandleAsync(HttpContext context)
    {
        context.Response.Headers["x-elastic-product"] = "Elasticsearch";
        var path = context.Request.Path.Value ?? "";
        var bulk = path.EndsWith("/_bulk", StringComparison.Ordinal);
        if (bulk)
        {
            Interlocked.Increment(ref _bulkRequests);
        }
        switch (Mode)
        {
            case Behaviour.Hanging:
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // the client gave up
                }
                return;
            case Behaviour.Failing:
                await JsonAsync(context, 503, """{"error":{"type":"cluster_block_exception","reason":"stand-in is down"},"status":503}""");
                return;
        }
        if (HttpMethods.IsHead(context.Request.Method) && path.StartsWith("/_alias/", StringComparison.Ordinal))
        {
            context.Response.StatusCode = 200;
        }
        else if (bulk)
        {
            // The client compresses request bodies (HTTP compression is on by default).
            var body = context.Request.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                ? new System.IO.Compression.GZipStream(context.Request.Body, System.IO.Compression.CompressionMode.Decompress)
                : context.Request.Body;
            using var reader = new StreamReader(body, Encoding.UTF8);
            await JsonAsync(context, 200, Apply((await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        }
        else if (HttpMethods.IsGet(context.Request.Method) && path.EndsWith("/_mapping", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, """{"stand-in":{"mappings":{"_meta":{"schemaVersion":""" + Marketplace.Search.Elasticsearch.OfferingIndexMapping.SchemaVersion + "}}}}");
        }
        else if (path.EndsWith("/_refresh", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, """{"_shards":{"total":1,"successful":1,"failed":0}}""");
        }
        else if (path.StartsWith("/_cluster/health", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, """{"cluster_name":"stand-in","status":"green","timed_out":false,"number_of_nodes":1,"number_of_data_nodes":1,"active_primary_shards":1,"active_shards":1,"relocating_shards":0,"initializing_shards":0,"unassigned_shards":0,"delayed_unassigned_shards":0,"number_of_pending_tasks":0,"number_of_in_flight_fetch":0,"task_max_waiting_in_queue_millis":0,"active_shards_percent_as_number":100.0}""");
        }
        else if (path.EndsWith("/_search", StringComparison.Ordinal))
        {
            await JsonAsync(context, 200, """{"took":1,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":0,"relation":"eq"},"max_score":null,"hits":[]}}""");
        }
        else
        {
            await JsonAsync(context, 404, """{"error":{"type":"resource_not_found_exception","reason":"not in the stand-in"},"status":404}""");
        }
    }

    /// <summary>Index operations with external versions, applied in order; the bulk response with an item per operation.</summary>
    private string Apply(string[] lines)
    {
        var items = new JsonArray();
        for (var n = 0; n + 1 < lines.Length; n += 2)
        {
            var action = JsonNode.Parse(lines[n])!["index"]!;
            var source = JsonNode.Parse(lines[n + 1])!;
            var id = Guid.Parse(action["_id"]!.GetValue<string>());
            var version = action["version"]?.GetValue<long>();
            if (version is not null)
            {
                Received.Enqueue((id, version.Value));
            }
            int status;
            if (version is null || action["version_type"]?.GetValue<string>() != "external")
            {
                status = 400;
            }
            else
            {
                lock (_store)
                {
                    if (_documents.TryGetValue(id, out var stored) && stored.Version >= version)
                    {
                        status = 409;
                    }
                    else
                    {
                        var live = source["live"]!.GetValue<bool>();
                        _documents[id] = (version.Value, live);
                        Accepted.Enqueue((id, version.Value, live));
                        status = 201;
                    }
                }
            }
            items.Add(new JsonObject
            {
                ["index"] = status == 201
                    ? new JsonObject { ["_index"] = "stand-in-1", ["_id"] = id.ToString(), ["_version"] = version, ["result"] = "created", ["status"] = 201 }
                    : new JsonObject
                    {
                        ["_index"] = "stand-in-1", ["_id"] = id.ToString(), ["status"] = status,
                        ["error"] = new JsonObject { ["type"] = status == 409 ? "version_conflict_engine_exception" : "action_request_validation_exception", ["reason"] = "stand-in" },
                    },
            });
        }
        return new JsonObject { ["took"] = 1, ["errors"] = items.Any(i => i!["index"]!["status"]!.GetValue<int>() != 201), ["items"] = items }.ToJsonString();
    }

    private static Task JsonAsync(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
