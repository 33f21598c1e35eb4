using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Bulk;
using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
using Marketplace.Core.Leasing;
using Marketplace.Core.Searching;
using Microsoft.Extensions.Options;
using Marketplace.Search.Indexing;

namespace Marketplace.Api.Admin;

/// <summary>A background job as reported to operators.</summary>
public sealed record JobResponse(
    Guid Id,
    string Kind,
    string Status,
    long Processed,
    long? Total,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error)
{
    public static JobResponse For(Job job) =>
        new(job.Id, job.Kind, job.Status, job.Processed, job.Total, job.CreatedAt, job.StartedAt, job.FinishedAt, job.Error);
}

/// <param name="Node">The lease-holder id of the node that answers (every node has its own Lucene index).</param>
/// <param name="Availability">ready, serving-older-copy or unavailable.</param>
/// <param name="FollowerPosition">Lucene: the outbox sequence number up to which this node's index has every change.</param>
public sealed record SearchStatusResponse(
    string Node,
    string Provider,
    string Availability,
    string? Reason,
    DateTimeOffset? Since,
    Guid? RepairJobId,
    OutboxBacklogResponse Outbox,
    long? FollowerPosition,
    ReconciliationReport? LastReconciliation,
    IReadOnlyList<NodeResponse> Nodes);

/// <param name="Pending">Rows not yet processed.</param>
/// <param name="Failing">Pending rows whose indexing failed at least once (waiting with back-off).</param>
/// <param name="OldestPendingSince">When the oldest pending row was written.</param>
public sealed record OutboxBacklogResponse(long Pending, long Failing, DateTimeOffset? OldestPendingSince);

/// <summary>A running API process, as registered for leases.</summary>
public sealed record NodeResponse(string HolderId, string NodeName, int ProcessId, DateTimeOffset RegisteredAt, DateTimeOffset HeartbeatAt);

public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdmin(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/admin").WithTags("Admin");

        group.MapPost("/search/rebuild", Rebuild)
            .RequireAuthorization(Policies.Operator)
            .WithName("RebuildSearchIndex")
            .WithSummary("重建搜索索引 (rebuild the search index)")
            .WithDescription("Operator only. Rebuilds the index from SQL into a new physical index (Lucene: a new generation folder; Elasticsearch: a new index behind the alias) and swaps it in; the live index keeps serving meanwhile. Answers 202 with the job and its Location; 409 while another rebuild is queued or running.")
            .WithAuthProblems().WithProblems(409);

        group.MapPost("/search/reconcile", Reconcile)
            .RequireAuthorization(Policies.Operator)
            .WithName("ReconcileSearchIndex")
            .WithSummary("核对并修复搜索索引 (reconcile the search index with the database)")
            .WithDescription("Operator only. Compares the database's published offerings and their index versions with the index of the node that answers and reports the drift: `missing` (published, not in the index), `stale` (indexed at another version: older content, a retired offering still searchable, or an index ahead of the database), `extra` (searchable but unknown to the database), with up to 20 ids of each. Unless `dryRun=true`, repairs it: missing and stale offerings are queued through the search outbox again (every node's index follows), extra documents are removed. Offerings with a change still on its way to the index are left out (`inFlight`). Each node also does this every `Marketplace:Search:ReconcileInterval`. 409 while this node has no index to compare (it is being built from the database after damage or loss); during an ordinary rebuild the live index keeps serving and is compared as usual.")
            .WithAuthProblems().WithProblems(409);

        group.MapGet("/search/status", Status)
            .RequireAuthorization(Policies.Operator)
            .WithName("GetSearchStatus")
            .WithSummary("搜索索引状态 (search index status)")
            .WithDescription("Operator only. The answering node's search index: availability (ready, serving-older-copy while a damaged index is rebuilt, unavailable while searches answer 503) and why, the search outbox backlog (pending rows, rows that failed at least once, the oldest pending), the node's outbox-follower position (Lucene), the last reconciliation and the running nodes (lease holders) with their heartbeats.")
            .WithAuthProblems();

        group.MapGet("/jobs/{id}", GetJob)
            .RequireAuthorization()
            .WithName("GetJob")
            .WithSummary("任务进度 (job progress)")
            .WithDescription("Operators read every job; another organization reads the jobs it started (its imports) and gets 404 for the rest. Status (queued, running, succeeded, failed), items processed of the total (a rebuild: offerings; an import: rows checked, then drafts created of the valid rows; an export: rows written), times and the error of a failed job. Any node can report a job any node runs.")
            .WithAuthProblems().WithProblems(404);
        return app;
    }

    private static async Task<Accepted<JobResponse>> Rebuild(ClaimsPrincipal user, SearchRebuildService rebuilds, CancellationToken ct)
    {
        var job = await rebuilds.StartAsync(user.GetActor().OrganizationId, ct);
        return TypedResults.Accepted($"/api/v1/admin/jobs/{job.Id}", JobResponse.For(job));
    }

    private static async Task<Ok<JobResponse>> GetJob(Guid id, ClaimsPrincipal user, JobStore jobs, BulkJobStore bulk, CancellationToken ct)
    {
        var actor = user.GetActor();
        var job = await jobs.GetAsync(id, ct);
        if (!actor.IsOperator && job.RequestedBy != actor.OrganizationId)
        {
            throw new NotFoundException($"任务 {id} 不存在 (job not found).");
        }
        return TypedResults.Ok(JobResponse.For(bulk.WithLiveProgress(job)));
    }

    private static async Task<Ok<ReconciliationReport>> Reconcile(bool? dryRun, SearchReconciler reconciler, SearchIndexStatus status, CancellationToken ct)
    {
        if (status.Availability == SearchAvailability.Unavailable)
        {
            throw new ConflictException("搜索索引正在重建，重建完成后再核对 (the index is being rebuilt from the database; reconcile after the rebuild).");
        }
        return TypedResults.Ok(await reconciler.ReconcileAsync(dryRun ?? false, ct));
    }

    private static async Task<Ok<SearchStatusResponse>> Status(SearchIndexStatus status, SearchOutbox outbox, SearchReconciler reconciler, LeaseHolder holder,
        LeaseHolderRegistry holders, IServiceProvider services, IOptions<SearchOptions> options, CancellationToken ct)
    {
        var backlog = await outbox.BacklogAsync(ct);
        var follower = options.Value is { Provider: SearchProvider.Lucene, Indexer.Enabled: true } ? services.GetRequiredService<OutboxFollower>().Position : (long?)null;
        return TypedResults.Ok(new SearchStatusResponse(
            holder.Id,
            options.Value.Provider.ToString().ToLowerInvariant(),
            JsonNamingPolicy.KebabCaseLower.ConvertName(status.Availability.ToString()),
            status.Reason,
            status.Since,
            status.RepairJobId,
            new OutboxBacklogResponse(backlog.Pending, backlog.Failing, backlog.OldestCreatedAt),
            follower,
            reconciler.Last,
            (await holders.ListAsync(ct)).Select(h => new NodeResponse(h.HolderId, h.NodeName, h.ProcessId, h.RegisteredAt, h.HeartbeatAt)).ToArray()));
    }

}
