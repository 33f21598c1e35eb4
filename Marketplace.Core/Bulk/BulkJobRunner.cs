using System.Diagnostics;
using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Bulk;

/// <summary>
/// Runs imports and exports on every node. A job is claimed with a conditional update (one node wins), keeps its
/// lease by writing progress, and is resumed from the start by any node once its lease lapses (its node died) — at
/// once after a restart on the embedded default, where nothing else can be running it. Imports are one transaction
/// that also finishes the job, so resuming never imports twice. On shutdown a running job goes back to the queue; a
/// job interrupted <see cref="BulkOptions.MaxAttempts"/> times, or whose file is gone or unreadable, fails with the reason.
/// </summary>
public sealed class BulkJobRunner(
    Database db,
    BulkJobStore bulk,
    JobStore jobs,
    OfferingImporter importer,
    Exports exports,
    IOptions<BulkOptions> options,
    TimeProvider clock,
    ILogger<BulkJobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(1);

    private string Node => bulk.Node;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var limits = options.Value;
        if (!limits.RunJobs)
        {
            logger.LogInformation("Marketplace:Bulk:RunJobs is off: imports and exports queued here run on another node");
            return;
        }
        var firstScan = true;
        var nextCleanup = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                // Embedded: at start-up every job still marked running was this process's before it stopped.
                var staleBefore = firstScan && db.Dialect.IsEmbedded ? DateTimeOffset.MaxValue : now - TimeSpan.FromSeconds(limits.LeaseSeconds);
                firstScan = false;
                var candidates = new List<Guid>();
                while (bulk.Queued.TryRead(out var queued))
                {
                    candidates.Add(queued);
                }
                candidates.AddRange(await bulk.ClaimableAsync(staleBefore, stop));
                foreach (var id in candidates.Distinct())
                {
                    if (await jobs.ClaimAsync(id, Node, staleBefore, stop))
                    {
                        await RunAsync(id, stop);
                    }
                }
                if (now >= nextCleanup)
                {
                    nextCleanup = now + CleanupInterval;
                    var deleted = await bulk.DeleteExpiredFilesAsync(now - TimeSpan.FromDays(limits.RetentionDays), stop);
                    if (deleted > 0)
                    {
                        logger.LogInformation("Deleted the files of {Count} bulk jobs finished over {Days} days ago", deleted, limits.RetentionDays);
                    }
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stop);
                var delay = Task.Delay(TimeSpan.FromSeconds(limits.PollSeconds), clock, wait.Token);
                await Task.WhenAny(delay, bulk.Queued.WaitToReadAsync(wait.Token).AsTask());
                await wait.CancelAsync();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Bulk job loop failed; retrying");
                await Task.Delay(TimeSpan.FromSeconds(options.Value.PollSeconds), clock, stop).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task RunAsync(Guid id, CancellationToken stop)
    {
        var job = await bulk.FindAsync(id, stop);
        if (job is null)
        {
            await jobs.FailAsync(id, 0, "任务记录不完整 (the job's details are missing).", CancellationToken.None);
            return;
        }
        await bulk.CountAttemptAsync(id, stop);
        if (job.Attempts + 1 > options.Value.MaxAttempts)
        {
            await FailAsync(id, $"任务已中断 {job.Attempts} 次，不再重试 (interrupted {job.Attempts} times; not started again).");
            return;
        }
        logger.LogInformation("Bulk job {JobId} ({Operation}) started on {Node}, attempt {Attempt}", id, job.Operation, Node, job.Attempts + 1);
        var lastWrite = Stopwatch.GetTimestamp();
        async Task Progress(long processed, bool inTransaction)
        {
            bulk.LiveProgress[id] = processed;
            // SQLite has one writer: while the import transaction is open the progress stays in memory on this node.
            if ((!inTransaction || !db.Dialect.IsEmbedded) && Stopwatch.GetElapsedTime(lastWrite) >= ProgressInterval)
            {
                lastWrite = Stopwatch.GetTimestamp();
                await jobs.ProgressAsync(id, processed, stop);
            }
        }
        try
        {
            switch (job.Operation)
            {
                case BulkOperations.OfferingImport:
                    await using (var file = TempFiles.Create())
                    {
                        await bulk.CopyFileAsync(job.FileJobId, FileNames.Upload, file, stop);
                        if (file.Length == 0)
                        {
                            await FailAsync(id, "上传的文件已不存在（超过保留期），请重新上传 (the uploaded file is no longer kept; upload it again).");
                            return;
                        }
                        file.Position = 0;
                        await importer.RunAsync(id, job, file, (n, t) => Progress(n, t), stop);
                    }
                    break;
                case BulkOperations.Export:
                    await ExportAsync(id, job, (n, t) => Progress(n, t), stop);
                    break;
                default:
                    await FailAsync(id, $"未知的任务类型 {job.Operation} (unknown operation).");
                    return;
            }
            logger.LogInformation("Bulk job {JobId} ({Operation}) finished", id, job.Operation);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            logger.LogWarning("Bulk job {JobId} interrupted by shutdown; it goes back to the queue", id);
            await TryAsync(() => jobs.RequeueAsync(id, "节点关闭时中断，将重新开始 (interrupted by a shutdown; it starts again).", CancellationToken.None), id);
        }
        catch (UnreadableTableException e)
        {
            await FailAsync(id, e.Message);
        }
        catch (Exception e)
        {
            logger.LogError(e, "Bulk job {JobId} failed", id);
            // The cause is in the log under the job id; the caller learns what to do, not the internals.
            await FailAsync(id, "任务因意外错误失败，请重试；仍失败请向运营方提供任务编号 (the job failed on an unexpected error; retry, and if it fails again give the operator the job id).");
        }
        finally
        {
            bulk.LiveProgress.TryRemove(id, out _);
        }
    }

    private async Task ExportAsync(Guid id, BulkJob job, OfferingImporter.Progress progress, CancellationToken ct)
    {
        var parameters = job.ParametersAs<ExportParameters>();
        var requester = new Actor(job.OwnerId, OrganizationKind.Operator);
        await using var file = TempFiles.Create();
        var rows = await TableWriter.WriteAsync(file, job.TableFormat, [exports.Sheet(parameters, requester, ct)], n => progress(n, false), ct);
        file.Position = 0;
        await bulk.SaveFileAsync(id, FileNames.Result, file, ct);
        await bulk.FinishAsync(id, new ExportResult(rows, job.FileName ?? $"export.{job.Format}", file.Length), rows, null, ct: ct);
    }

    private Task FailAsync(Guid id, string reason) =>
        TryAsync(() => bulk.FinishAsync(id, new { error = reason }, 0, reason, ct: CancellationToken.None), id);

    private async Task TryAsync(Func<Task> action, Guid id)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            logger.LogError(e, "Could not record the outcome of bulk job {JobId}", id);
        }
    }
}
