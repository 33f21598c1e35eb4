using System.Text;
using System.Text.Json.Nodes;
using Elastic.Clients.Elasticsearch;
using Elastic.Transport;
using HttpMethod = Elastic.Transport.HttpMethod;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Elasticsearch;

namespace Marketplace.Tests.Search.Elasticsearch;

/// <summary>
/// A fake Elasticsearch node for request/response tests: answers each request with a canned
/// response chosen by method and path (through the client's own <see cref="InMemoryRequestInvoker"/>,
/// so deserialisation and error handling are the real ones) and records every request body.
/// </summary>
internal sealed class CannedElasticsearch : IRequestInvoker
{
    private static readonly Dictionary<string, IEnumerable<string>> ProductHeader = new() { ["x-elastic-product"] = ["Elasticsearch"] };
    private readonly List<Route> _routes = [];

    public CannedElasticsearch(string alias = "mk-test")
    {
        var settings = new ElasticsearchClientSettings(new SingleNodePool(new Uri("http://es.test:9200")), this)
            .DisableDirectStreaming()
            .OnRequestCompleted(details => Requests.Add(new RecordedRequest(
                details.HttpMethod,
                details.Uri?.PathAndQuery ?? "",
                details.RequestBodyInBytes is { Length: > 0 } body ? Encoding.UTF8.GetString(body) : null)));
        Client = new ElasticsearchClient(settings);
        Options = new ElasticsearchOptions { Url = new Uri("http://es.test:9200"), IndexAlias = alias };
    }

    public ElasticsearchClient Client { get; }
    public ElasticsearchOptions Options { get; }
    public List<RecordedRequest> Requests { get; } = [];
    public ResponseFactory ResponseFactory => new InMemoryRequestInvoker().ResponseFactory;

    public ElasticsearchOfferingIndex CreateIndex() => new(Client, Options, Thesaurus.Default);

    /// <summary>
    /// Answers requests whose method matches and whose path (without query) ends with <paramref name="pathSuffix"/>.
    /// Several responses are served in order; the last one repeats. Later routes win over earlier ones.
    /// </summary>
    public CannedElasticsearch On(HttpMethod method, string pathSuffix, params (int Status, string Body)[] responses)
    {
        _routes.Insert(0, new Route(method, pathSuffix, new Queue<(int, string)>(responses)));
        return this;
    }

    public CannedElasticsearch On(HttpMethod method, string pathSuffix, int status, string body = "{}") =>
        On(method, pathSuffix, (status, body));

    public RecordedRequest Single(HttpMethod method, string pathSuffix) =>
        Requests.Single(r => r.Method == method && r.Path.Split('?')[0].EndsWith(pathSuffix, StringComparison.Ordinal));

    public async Task<TResponse> RequestAsync<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData, CancellationToken cancellationToken)
        where TResponse : TransportResponse, new()
    {
        var (status, body) = Answer(endpoint);
        using var invoker = new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(body), status, null!, "application/json", ProductHeader);
        return await invoker.RequestAsync<TResponse>(endpoint, boundConfiguration, postData!, cancellationToken);
    }

    public TResponse Request<TResponse>(Endpoint endpoint, BoundConfiguration boundConfiguration, PostData? postData)
        where TResponse : TransportResponse, new()
    {
        var (status, body) = Answer(endpoint);
        using var invoker = new InMemoryRequestInvoker(Encoding.UTF8.GetBytes(body), status, null!, "application/json", ProductHeader);
        return invoker.Request<TResponse>(endpoint, boundConfiguration, postData!);
    }

    public void Dispose()
    {
    }

    /// <summary>Every request fails as if the node refused the connection.</summary>
    public bool Unreachable { get; set; }

    private (int Status, string Body) Answer(Endpoint endpoint)
    {
        if (Unreachable)
        {
            throw new HttpRequestException("Connection refused (es.test:9200)");
        }
        var path = "/" + endpoint.PathAndQuery.Split('?')[0].TrimStart('/');
        var route = _routes.FirstOrDefault(r => r.Method == endpoint.Method && path.EndsWith(r.PathSuffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"No canned response for {endpoint.Method} {endpoint.PathAndQuery}");
        return route.Responses.Count > 1 ? route.Responses.Dequeue() : route.Responses.Peek();
    }

    private sealed record Route(HttpMethod Method, string PathSuffix, Queue<(int Status, string Body)> Responses);
}

internal sealed record RecordedRequest(HttpMethod Method, string Path, string? Body)
{
    public JsonNode Json => JsonNode.Parse(Body ?? throw new InvalidOperationException($"{Method} {Path} had no body"))!;

    /// <summary>The parsed lines of an NDJSON body (bulk).</summary>
    public IReadOnlyList<JsonNode> Lines =>
        (Body ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
}
