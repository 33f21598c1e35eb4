using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Bulk;
using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
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

        group.MapGet("/jobs/{id:guid}", GetJob)
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
}
