using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Search.Lucene;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Search.Indexing;

/// <summary>
/// Opens (or creates) the index at start-up, before the node reports ready, and acts on how it was found: a damaged index
/// (the engine served an older intact generation, or an empty one), a missing one, or an empty one (a rebuild the node
/// stopped before swapping in) while the database has published offerings is rebuilt from the database in the background
/// — searches answer 503 meanwhile, or are served by the older generation — and the node starts and publishes as usual. One made for
/// another mapping or document layout (<see cref="IndexOpening.Outdated"/>) is rebuilt likewise and answers as it is meanwhile.
/// A remote engine that is down at start-up only degrades search.
/// </summary>
public sealed class SearchIndexStartup(
    IOfferingIndex index,
    IServiceProvider services,
    SearchIndexStatus status,
    OfferingStore offerings,
    SearchOutbox outbox,
    SearchRebuildService rebuilds,
    IOptions<SearchOptions> options,
    TimeProvider clock,
    ILogger<SearchIndexStartup> logger) : BackgroundService
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private bool _repair;

    public override async Task StartAsync(CancellationToken ct)
    {
        try
        {
            var opening = await index.EnsureCreatedAsync(ct);
            await ActOnAsync(opening, ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && options.Value.Provider == SearchProvider.Elasticsearch)
        {
            // A remote engine may be down at start-up: the API still serves, the outbox holds writes until it is back.
            logger.LogError(e, "Could not create the Elasticsearch index at start-up; searches fail and writes wait in the outbox until it is reachable");
        }
        await base.StartAsync(ct);
    }

    private async Task ActOnAsync(IndexOpening opening, CancellationToken ct)
    {
        var lucene = options.Value.Provider == SearchProvider.Lucene ? services.GetRequiredService<LuceneOfferingIndex>() : null;
        var problem = lucene?.OpeningProblem ?? "unknown";
        switch (opening)
        {
            case IndexOpening.Existing:
                // An index left empty by a start-up rebuild that never got swapped in (the node stopped first) opens as
                // an ordinary index: served, it would answer every search with nothing until the reconciler caught up.
                // Empty while the outbox still holds a write for every published offering (a restart before the indexer
                // ran), the indexer fills it in a moment. The index is asked first: the database only when it is empty.
                if (await IndexedAsync(ct) == 0 && await LiveInDatabaseAsync(ct) is > 0 and var published
                    && await outbox.PendingCountAsync(ct) < published)
                {
                    status.AwaitRepair(SearchAvailability.Unavailable, $"the index was empty while the database has {published} published offerings");
                    break;
                }
                logger.LogInformation("Search index ready ({Provider})", options.Value.Provider);
                return;
            case IndexOpening.Created:
                var live = await LiveInDatabaseAsync(ct);
                if (live == 0)
                {
                    logger.LogInformation("Search index created ({Provider}); the catalog has no published offerings yet", options.Value.Provider);
                    return;
                }
                status.AwaitRepair(SearchAvailability.Unavailable, $"the index was missing while the database has {live} published offerings");
                break;
            case IndexOpening.Outdated:
                status.AwaitRepair(SearchAvailability.ServingOlderCopy, "the index was made for another mapping or document layout; it answers as it is meanwhile");
                break;
            case IndexOpening.Recovered:
                status.AwaitRepair(SearchAvailability.ServingOlderCopy, "the current index generation could not be opened; an older intact generation answers meanwhile");
                break;
            default:
                status.AwaitRepair(SearchAvailability.Unavailable, "the index was damaged");
                break;
        }
        if (lucene is not null)
        {
            // The follower's position described the lost index: it starts over at the end of the outbox, the rebuild covering the rest.
            File.Delete(Path.Combine(options.Value.IndexDirectory!, OutboxFollower.PositionFile));
        }
        _repair = true;
        // The engine's own account of the damage (file names, checksums) goes to the log only; the status, which anonymous
        // callers read in 503 answers and /health/ready, keeps to what happened.
        // A missing folder is also what a new data folder seeded with offerings (the demo) looks like: a warning, not an error.
        logger.Log(opening == IndexOpening.Created ? LogLevel.Warning : LogLevel.Error,
            "Search index {Opening}: {Reason} ({Problem}). Rebuilding it from the database in the background; {Meanwhile}", opening, status.Reason,
            opening switch
            {
                IndexOpening.Created => "no index folder",
                IndexOpening.Existing => "a rebuild was not finished",
                IndexOpening.Outdated => "another schema version",
                _ => problem,
            },
            status.Availability == SearchAvailability.Unavailable ? "searches answer 503 until it is swapped in" : "searches may lack recent changes until then");
    }

    private Task<long> LiveInDatabaseAsync(CancellationToken ct) =>
        offerings.CountAsync(new OfferingListFilter(null, null, LiveOnly: true), ct);

    private async Task<long> IndexedAsync(CancellationToken ct) =>
        (await index.SearchAsync(new OfferingSearchRequest { Limit = 0, IncludeFacets = false, Highlight = false }, ct)).Total;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (_repair && status.Availability != SearchAvailability.Ready && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                var job = await rebuilds.StartAsync(SearchRebuildService.SystemRequester, stoppingToken);
                status.RepairQueued(job.Id);
                logger.LogInformation("Search index repair: rebuild job {JobId} queued", job.Id);
                return;
            }
            catch (ConflictException)
            {
                logger.LogInformation("Search index repair waits for the rebuild already running");
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Search index repair: could not queue the rebuild; retrying in {Delay}", RetryEvery);
            }
            try
            {
                await Task.Delay(RetryEvery, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
