using System.Globalization;
using Elastic.Clients.Elasticsearch;
using Elastic.Clients.Elasticsearch.Cluster;
using Elastic.Clients.Elasticsearch.Core.Bulk;
using Elastic.Clients.Elasticsearch.Core.Search;
using Elastic.Clients.Elasticsearch.IndexManagement;
using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// The Elasticsearch engine of <see cref="IOfferingIndex"/>. The application only knows an alias;
/// it points at one physical index (<c>&lt;alias&gt;-&lt;yyyyMMddHHmmss&gt;-&lt;suffix&gt;</c>), and a rebuild
/// fills a new physical index before moving the alias in one atomic <c>_aliases</c> request.
/// Writes use external versioning, so a stale version never overwrites a newer one (the 409 it
/// earns is the expected "skip"); retired offerings stay as tombstones with <c>live=false</c>.
/// Server errors surface as <see cref="ElasticsearchRequestException"/> carrying the HTTP status.
/// </summary>
public sealed class ElasticsearchOfferingIndex : IOfferingIndex
{
    private readonly ElasticsearchClient _client;
    private readonly Thesaurus _thesaurus;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _rebuildLock = new();
    private string? _rebuildTarget;

    public ElasticsearchOfferingIndex(
        ElasticsearchClient client,
        ElasticsearchOptions options,
        Thesaurus thesaurus,
        ILogger<ElasticsearchOfferingIndex>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(thesaurus);
        options.Validate();
        _client = client;
        _thesaurus = thesaurus;
        // The query's words are read with jieba and the taxonomy's terms, as on the embedded engine (QueryWords).
        JiebaSegmentation.AddUserWords(thesaurus.DictionaryTerms);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        Alias = options.IndexAlias;
    }

    /// <summary>The alias searched and written.</summary>
    public string Alias { get; }

    /// <summary>Client settings for <paramref name="options"/>: one node, API key or basic authentication.</summary>
    public static ElasticsearchClientSettings CreateClientSettings(ElasticsearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var settings = new ElasticsearchClientSettings(options.Url).RequestTimeout(options.RequestTimeout);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            settings = settings.Authentication(new ApiKey(options.ApiKey));
        }
        else if (!string.IsNullOrEmpty(options.Username))
        {
            settings = settings.Authentication(new BasicAuthentication(options.Username, options.Password!));
        }
        return settings;
    }

    public async Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct)
    {
        var exists = await SendAsync("alias exists", () => _client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Alias), ct)).ConfigureAwait(false);
        switch (exists.ApiCallDetails.HttpStatusCode)
        {
            case 200:
                return await IsCurrentAsync(ct).ConfigureAwait(false) ? IndexOpening.Existing : IndexOpening.Outdated;
            case 404:
                break;
            default:
                throw ElasticsearchRequestException.From("alias exists", exists);
        }

        var physical = NewPhysicalIndexName();
        var create = OfferingIndexMapping.CreateIndexRequest(physical);
        create.Aliases = new Dictionary<Name, Alias> { [Alias] = new Alias { IsWriteIndex = true } };
        var created = await SendAsync("create index", () => _client.Indices.CreateAsync(create, ct)).ConfigureAwait(false);
        if (!created.IsValidResponse)
        {
            // Another node may have created the alias first (only one index can be its write index): that one stands.
            var again = await SendAsync("alias exists", () => _client.Indices.ExistsAliasAsync(new ExistsAliasRequest(Alias), ct)).ConfigureAwait(false);
            if (again.ApiCallDetails.HttpStatusCode == 200)
            {
                _logger.LogInformation("Alias {Alias} was created by another node meanwhile", Alias);
                return IndexOpening.Existing;
            }
        }
        EnsureValid("create index", created);
        _logger.LogInformation("Created Elasticsearch index {Index} behind alias {Alias}", physical, Alias);
        return IndexOpening.Created;
    }

    /// <summary>
    /// Whether no index behind the alias was made with an older <see cref="OfferingIndexMapping.SchemaVersion"/> (or none). One
    /// made with a newer version is left as it is: during a rolling upgrade an older node restarting must not rebuild the
    /// newer nodes' index with its older mapping (and they it back again).
    /// </summary>
    private async Task<bool> IsCurrentAsync(CancellationToken ct)
    {
        var response = await SendAsync("get mapping", () => _client.Indices.GetMappingAsync(new GetMappingRequest(Alias), ct)).ConfigureAwait(false);
        EnsureValid("get mapping", response);
        var versions = response.Mappings
            .Select(m => (Index: m.Key, Version: OfferingIndexMapping.SchemaVersionOf(m.Value.Mappings)))
            .ToArray();
        foreach (var (index, version) in versions.Where(v => v.Version > OfferingIndexMapping.SchemaVersion))
        {
            _logger.LogWarning("Elasticsearch index {Index} behind alias {Alias} has schema version {Found}, newer than this version's {Current}: left as it is",
                index, Alias, version, OfferingIndexMapping.SchemaVersion);
        }
        var outdated = versions.Where(v => v.Version is null || v.Version < OfferingIndexMapping.SchemaVersion).ToArray();
        foreach (var (index, version) in outdated)
        {
            _logger.LogWarning("Elasticsearch index {Index} behind alias {Alias} has schema version {Found}, this version writes {Current}: it is to be rebuilt",
                index, Alias, version?.ToString(CultureInfo.InvariantCulture) ?? "none", OfferingIndexMapping.SchemaVersion);
        }
        return outdated.Length == 0;
    }

    public Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var rebuildTarget = Volatile.Read(ref _rebuildTarget);
        // The indexer's observers (re-matching open demands) search right after a write: it waits until the write is
        // visible to search (at the next refresh, about 1 s), as a Lucene write is when it returns.
        return rebuildTarget is null
            ? BulkWriteAsync([Alias], documents, ct, waitForRefresh: true)
            : BulkWriteAsync([Alias, rebuildTarget], documents, ct, waitForRefresh: true);
    }

    /// <summary>
    /// Bulk-indexes the documents into each target with external versioning. A 409 on an item is a
    /// stale write (the index already holds that version or a newer one) and is skipped; any other
    /// item failure throws, carrying the worst item status (so a 429 rejection is retried). With
    /// <paramref name="waitForRefresh"/>, a skipped item is made searchable by an explicit refresh.
    /// </summary>
    internal async Task BulkWriteAsync(IReadOnlyList<string> targets, IReadOnlyList<OfferingDocument> documents, CancellationToken ct, bool waitForRefresh = false)
    {
        if (documents.Count == 0)
        {
            return;
        }
        var bulk = new BulkRequest(targets[0]) { Operations = [], Refresh = waitForRefresh ? Refresh.WaitFor : null };
        foreach (var target in targets)
        {
            foreach (var document in documents)
            {
                bulk.Operations.Add(new BulkIndexOperation<IndexedOffering>(IndexedOffering.From(document), target)
                {
                    Id = document.Id.ToString(),
                    Version = document.Version,
                    VersionType = VersionType.External,
                });
            }
        }

        var response = await SendAsync("bulk", () => _client.BulkAsync(bulk, ct)).ConfigureAwait(false);
        var status = response.ApiCallDetails.HttpStatusCode;
        if (status is not (>= 200 and < 300) || response.Items is null)
        {
            throw ElasticsearchRequestException.From("bulk", response);
        }

        var failures = new List<ResponseItem>();
        var conflicts = false;
        foreach (var item in response.Items)
        {
            if (item.Status is >= 200 and < 300)
            {
                continue;
            }
            if (item.Status == 409)
            {
                _logger.LogDebug("Skipped stale write of offering {Id} to {Index}: {Reason}", item.Id, item.Index, item.Error?.Reason);
                conflicts = true;
                continue;
            }
            failures.Add(item);
        }
        if (failures.Count > 0)
        {
            var worst = failures.MaxBy(f => f.Status)!;
            throw new ElasticsearchRequestException(
                "bulk",
                worst.Status,
                string.Create(CultureInfo.InvariantCulture,
                    $"Elasticsearch bulk write failed for {failures.Count} of {response.Items.Count} items; first: {worst.Id} in {worst.Index} (HTTP {worst.Status}) {worst.Error?.Type}: {worst.Error?.Reason}"));
        }
        if (waitForRefresh && conflicts)
        {
            // wait_for waits for this request's own writes only: the newer version a 409 met may not be searchable yet
            // (its writer timed out before the refresh, or is still waiting), and the caller searches next.
            var refreshed = await SendAsync("refresh", () => _client.Indices.RefreshAsync(new RefreshRequest(targets.ToArray()), ct)).ConfigureAwait(false);
            EnsureValid("refresh", refreshed);
        }
    }

    public async Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var terms = QueryTerms.Of(request.Text, request.BoostTerms, _thesaurus);
        var search = OfferingQueryBuilder.Build(Alias, request, terms);
        var response = await SendAsync("search", () => _client.SearchAsync<IndexedOffering>(search, ct)).ConfigureAwait(false);
        EnsureValid("search", response);
        return ToResult(request, response, terms.Terms);
    }

    private static OfferingSearchResult ToResult(OfferingSearchRequest request, SearchResponse<IndexedOffering> response, IReadOnlyList<QueryTerm> terms)
    {
        var hits = new List<OfferingHit>(response.Hits.Count);
        IReadOnlyCollection<FieldValue>? lastSort = null;
        foreach (var hit in response.Hits)
        {
            var source = hit.Source ?? throw new ElasticsearchRequestException("search", null, $"Hit {hit.Id} has no _source.");
            hits.Add(new OfferingHit
            {
                Id = source.Id,
                RevisionId = source.RevisionId,
                Score = hit.Score ?? 0,
                Title = source.Title,
                Summary = source.Summary,
                SupplierId = source.SupplierId,
                SupplierName = source.SupplierName,
                Keywords = source.Keywords,
                Directions = source.Directions,
                SubDirections = source.SubDirections,
                Type = source.Type,
                Deployment = source.Deployment,
                Districts = source.Districts,
                PriceMinYuan = source.PriceMinYuan,
                PriceMaxYuan = source.PriceMaxYuan,
                ImplementationDays = source.ImplementationDays,
                PublishedAt = source.PublishedAt,
                Highlights = Highlights(hit),
                MatchedTerms = MatchedTerms(hit, terms),
            });
            lastSort = hit.Sort;
        }

        long total = response.HitsMetadata?.Total?.Match(t => t?.Value ?? 0, v => v) ?? hits.Count;
        var start = request.Cursor is null ? request.Offset : SearchCursor.Position(request.Cursor) ?? 0;
        string? next = null;
        if (request.WithNextCursor && request.Limit > 0 && hits.Count == request.Limit && lastSort is { Count: > 0 }
            && (request.Cursor is not null || request.Offset + hits.Count < total))
        {
            next = SearchCursor.Encode(request.Sort, lastSort, request.CursorScope(), start + hits.Count);
        }
        return new OfferingSearchResult(total, hits, request.IncludeFacets ? Facets(response) : new Dictionary<string, IReadOnlyList<FacetCount>>(), next)
        {
            Start = start,
        };
    }

    private static IReadOnlyList<string> Highlights(Hit<IndexedOffering> hit)
    {
        if (hit.Highlight is null)
        {
            return [];
        }
        var fragments = new List<string>();
        foreach (var field in (string[])[OfferingIndexMapping.Summary, OfferingIndexMapping.Description])
        {
            if (hit.Highlight.TryGetValue(field, out var values))
            {
                fragments.AddRange(values);
            }
        }
        return fragments;
    }

    /// <summary>The query terms whose clauses the hit matched (their names), in the query's order, as the embedded engine lists them.</summary>
    private static IReadOnlyList<string> MatchedTerms(Hit<IndexedOffering> hit, IReadOnlyList<QueryTerm> terms)
    {
        if (hit.MatchedQueries is null)
        {
            return [];
        }
        var names = hit.MatchedQueries.Match(list => list?.ToHashSet(StringComparer.Ordinal) ?? [], scores => scores?.Keys.ToHashSet(StringComparer.Ordinal) ?? []);
        return terms
            .Where(t => names.Contains(OfferingQueryBuilder.TermQueryPrefix + t.Display))
            .Select(t => t.Display)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToArray();
    }

    private static Dictionary<string, IReadOnlyList<FacetCount>> Facets(SearchResponse<IndexedOffering> response)
    {
        var facets = new Dictionary<string, IReadOnlyList<FacetCount>>();
        foreach (var facet in FacetNames.All)
        {
            var buckets = response.Aggregations?.GetFilter(facet)?.Aggregations?.GetStringTerms(OfferingQueryBuilder.TermsAggregationName)?.Buckets;
            facets[facet] = buckets is null
                ? []
                : buckets.Select(b => new FacetCount(b.Key.TryGetString(out var key) && key is not null ? key : b.Key.ToString(), b.DocCount)).ToArray();
        }
        return facets;
    }

    /// <summary>Page size of <see cref="ReadVersionsAsync"/>.</summary>
    internal const int VersionPageSize = 5_000;

    /// <summary>
    /// Every document behind the alias with its version, read in id order a page at a time (<c>search_after</c> on the
    /// keyword id, only the id, version and live fields of the source).
    /// </summary>
    public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct) => ReadVersionsAsync(VersionPageSize, ct);

    internal async Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(int pageSize, CancellationToken ct)
    {
        var documents = new Dictionary<Guid, IndexedVersion>();
        string? after = null;
        while (true)
        {
            var request = new SearchRequest(Alias)
            {
                Size = pageSize,
                Sort = [new FieldSort(OfferingIndexMapping.Id) { Order = SortOrder.Asc }],
                Source = new SourceConfig(new SourceFilter { Includes = new[] { OfferingIndexMapping.Id, OfferingIndexMapping.Version, OfferingIndexMapping.Live } }),
                TrackTotalHits = new TrackHits(false),
            };
            if (after is not null)
            {
                request.SearchAfter = [FieldValue.String(after)];
            }
            var response = await SendAsync("read versions", () => _client.SearchAsync<IndexedOffering>(request, ct)).ConfigureAwait(false);
            EnsureValid("read versions", response);
            foreach (var hit in response.Hits)
            {
                if (hit.Source is { } source)
                {
                    documents[source.Id] = new IndexedVersion(source.Version, source.Live);
                }
            }
            if (response.Hits.Count < pageSize)
            {
                return documents;
            }
            after = response.Hits.Last().Source!.Id.ToString();
        }
    }

    public async Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct)
    {
        var physical = NewPhysicalIndexName();
        var created = await SendAsync("create index", () => _client.Indices.CreateAsync(OfferingIndexMapping.CreateIndexRequest(physical), ct)).ConfigureAwait(false);
        EnsureValid("create index", created);
        lock (_rebuildLock)
        {
            if (_rebuildTarget is not null)
            {
                _logger.LogWarning("Rebuild into {Index} replaces the unfinished rebuild into {Previous}", physical, _rebuildTarget);
            }
            Volatile.Write(ref _rebuildTarget, physical);
        }
        _logger.LogInformation("Rebuilding Elasticsearch alias {Alias} into {Index}", Alias, physical);
        return new Rebuild(this, physical);
    }

    public async Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            var health = await _client.Cluster.HealthAsync(new HealthRequest(Alias) { Timeout = "5s" }, ct).ConfigureAwait(false);
            return health.IsValidResponse && health.Status is HealthStatus.Green or HealthStatus.Yellow;
        }
        catch (TransportException ex)
        {
            _logger.LogWarning(ex, "Elasticsearch health check failed");
            return false;
        }
    }

    /// <summary>Makes recent writes searchable (refresh of the alias and of a running rebuild's index).</summary>
    public async Task RefreshAsync(CancellationToken ct)
    {
        var rebuildTarget = Volatile.Read(ref _rebuildTarget);
        Indices indices = rebuildTarget is null ? Alias : new[] { Alias, rebuildTarget };
        var response = await SendAsync("refresh", () => _client.Indices.RefreshAsync(new RefreshRequest(indices), ct)).ConfigureAwait(false);
        EnsureValid("refresh", response);
    }

    /// <summary>Deletes the alias and every physical index behind it (test clean-up).</summary>
    public async Task DeleteAsync(CancellationToken ct)
    {
        var physical = await PhysicalIndicesAsync(ct).ConfigureAwait(false);
        var rebuildTarget = Volatile.Read(ref _rebuildTarget);
        if (rebuildTarget is not null)
        {
            physical = [.. physical, rebuildTarget];
        }
        if (physical.Count > 0)
        {
            var deleted = await SendAsync("delete index", () => _client.Indices.DeleteAsync(new DeleteIndexRequest(physical.ToArray()), ct)).ConfigureAwait(false);
            EnsureValid("delete index", deleted);
        }
    }

    /// <summary>The physical indices the alias points at (none when the alias is missing).</summary>
    internal async Task<IReadOnlyList<string>> PhysicalIndicesAsync(CancellationToken ct)
    {
        var response = await SendAsync("get alias", () => _client.Indices.GetAliasAsync(new GetAliasRequest((Names)Alias), ct)).ConfigureAwait(false);
        if (response.ApiCallDetails.HttpStatusCode == 404)
        {
            return [];
        }
        EnsureValid("get alias", response);
        return (response.Aliases?.Keys ?? []).Order(StringComparer.Ordinal).ToArray();
    }

    private async Task SwapAsync(string physical, CancellationToken ct)
    {
        var refreshed = await SendAsync("refresh", () => _client.Indices.RefreshAsync(new RefreshRequest(physical), ct)).ConfigureAwait(false);
        EnsureValid("refresh", refreshed);

        var old = (await PhysicalIndicesAsync(ct).ConfigureAwait(false)).Where(i => i != physical).ToArray();
        var update = new UpdateAliasesRequest { Actions = [] };
        foreach (var index in old)
        {
            update.Actions.Add(new RemoveAction { Index = index, Alias = Alias, MustExist = true });
        }
        update.Actions.Add(new AddAction { Index = physical, Alias = Alias, IsWriteIndex = true });
        var swapped = await SendAsync("swap alias", () => _client.Indices.UpdateAliasesAsync(update, ct)).ConfigureAwait(false);
        EnsureValid("swap alias", swapped);
        ClearRebuildTarget(physical);
        _logger.LogInformation("Alias {Alias} now points at {Index}; dropping {Old}", Alias, physical, old);

        if (old.Length > 0)
        {
            var deleted = await SendAsync("delete index", () => _client.Indices.DeleteAsync(new DeleteIndexRequest(old), ct)).ConfigureAwait(false);
            EnsureValid("delete index", deleted);
        }
    }

    private async Task AbandonAsync(string physical)
    {
        ClearRebuildTarget(physical);
        try
        {
            var deleted = await _client.Indices.DeleteAsync(new DeleteIndexRequest(physical), CancellationToken.None).ConfigureAwait(false);
            if (!deleted.IsValidResponse)
            {
                _logger.LogWarning("Could not delete abandoned rebuild index {Index}: {Error}", physical, deleted.DebugInformation);
            }
        }
        catch (TransportException ex)
        {
            _logger.LogWarning(ex, "Could not delete abandoned rebuild index {Index}", physical);
        }
    }

    private void ClearRebuildTarget(string physical)
    {
        lock (_rebuildLock)
        {
            if (_rebuildTarget == physical)
            {
                Volatile.Write(ref _rebuildTarget, null);
            }
        }
    }

    private string NewPhysicalIndexName() =>
        string.Create(CultureInfo.InvariantCulture, $"{Alias}-{_time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}")[..(Alias.Length + 24)];

    private static async Task<TResponse> SendAsync<TResponse>(string operation, Func<Task<TResponse>> send)
        where TResponse : ElasticsearchResponse
    {
        try
        {
            return await send().ConfigureAwait(false);
        }
        catch (TransportException ex)
        {
            throw ElasticsearchRequestException.From(operation, ex);
        }
    }

    private static void EnsureValid(string operation, ElasticsearchResponse response)
    {
        if (!response.IsValidResponse)
        {
            throw ElasticsearchRequestException.From(operation, response);
        }
    }

    private sealed class Rebuild(ElasticsearchOfferingIndex owner, string physical) : IIndexRebuild
    {
        private bool _swapped;

        public Task AddAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
        {
            ArgumentNullException.ThrowIfNull(documents);
            ObjectDisposedException.ThrowIf(_swapped, this);
            return owner.BulkWriteAsync([physical], documents, ct);
        }

        public async Task SwapAsync(CancellationToken ct)
        {
            ObjectDisposedException.ThrowIf(_swapped, this);
            await owner.SwapAsync(physical, ct).ConfigureAwait(false);
            _swapped = true;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_swapped)
            {
                _swapped = true;
                await owner.AbandonAsync(physical).ConfigureAwait(false);
            }
        }
    }
}
