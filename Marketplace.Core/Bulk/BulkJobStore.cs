using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Text.Json;
using System.Threading.Channels;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Bulk;

public static class BulkOperations
{
    public const string OfferingImport = "offering-import";
    public const string Export = "export";
}

/// <summary><c>Marketplace:Bulk</c>: limits and timings of spreadsheet imports and exports.</summary>
public sealed class BulkOptions
{
    public const string Section = "Marketplace:Bulk";

    /// <summary>Run imports and exports on this node (a node that doesn't still accepts them; another node runs them).</summary>
    public bool RunJobs { get; set; } = true;

    /// <summary>Largest uploaded file (bytes).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest number of data rows in one import.</summary>
    [Range(1, 1_000_000)]
    public int MaxRows { get; set; } = 50_000;

    /// <summary>A running job not updated for this long is taken as abandoned by its node and resumed by another (or after a restart).</summary>
    [Range(5, 86_400)]
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How often a node looks for queued or abandoned jobs it did not queue itself.</summary>
    [Range(1, 3_600)]
    public int PollSeconds { get; set; } = 2;

    /// <summary>A job interrupted this many times fails with that reason instead of starting again.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Uploaded files and export results are deleted this many days after their job finished.</summary>
    [Range(1, 3_650)]
    public int RetentionDays { get; set; } = 7;

    /// <summary>Row errors kept per import; the count of all errors is still reported.</summary>
    [Range(1, 1_000_000)]
    public int MaxStoredErrors { get; set; } = 20_000;

    /// <summary>
    /// Imports and exports one organization may have queued or running at once (each holds a file of up to
    /// <see cref="MaxUploadBytes"/> until it finishes); one more is refused with 429 until one finishes.
    /// </summary>
    [Range(1, 1_000)]
    public int MaxUnfinishedJobsPerOrganization { get; set; } = 5;
}

/// <summary>A job's bulk details: who asked, what, on which file, and the outcome summary (JSON).</summary>
public sealed record BulkJob
{
    public Guid JobId { get; init; }
    public Guid OwnerId { get; init; }
    public string Operation { get; init; } = "";
    public string Parameters { get; init; } = "{}";
    public Guid FileJobId { get; init; }
    public string? FileName { get; init; }
    public string Format { get; init; } = "";
    public int Attempts { get; init; }
    public string? Result { get; init; }

    public TableFormat TableFormat => Format == "xlsx" ? TableFormat.Xlsx : TableFormat.Csv;

    public T ParametersAs<T>() => JsonSerializer.Deserialize<T>(Parameters, BulkJobStore.Json)!;

    public T? ResultAs<T>() where T : class => Result is null ? null : JsonSerializer.Deserialize<T>(Result, BulkJobStore.Json);
}

public sealed record RowError(long RowNumber, string ColumnName, string Message);

/// <summary>
/// Bulk jobs (imports and exports) and their files. Files live in SQL in 1 MiB chunks, so any node can run or resume a
/// job and serve its result; a job is visible to the organization that started it and to operators.
/// </summary>
public sealed class BulkJobStore(Database db, JobStore jobs, TimeProvider clock, IOptions<BulkOptions> options)
{
    public const int ChunkBytes = 1024 * 1024;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Channel<Guid> _queued = Channel.CreateUnbounded<Guid>();

    /// <summary>This process's name in the jobs it queues and runs.</summary>
    public string Node { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-bulk-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>In-process progress of running jobs, for when the database can't take a progress write (SQLite during the import transaction).</summary>
    public ConcurrentDictionary<Guid, long> LiveProgress { get; } = new();

    /// <summary>The Retry-After of a job refused because the organization has too many unfinished.</summary>
    public const int UnfinishedJobRetrySeconds = 30;

    /// <summary>Jobs queued on this node, for the runner to start without waiting for its poll.</summary>
    public ChannelReader<Guid> Queued => _queued.Reader;

    /// <summary>Queues a job, storing <paramref name="upload"/> (when given) as its file in the same transaction.</summary>
    public Task<Guid> CreateAsync(Actor actor, string node, string kind, string operation, object parameters, TableFormat format, string? fileName,
        Stream? upload, Guid? fileJobId, CancellationToken ct) =>
        CreateAsync(actor, node, kind, operation, parameters, format, fileName, upload, fileJobId, committing: null, ct);

    /// <summary>
    /// The job that imports the file of the finished dry run <paramref name="dryRunId"/>. A dry run is imported once: 409 while
    /// another commit of it is queued, running or succeeded (a failed commit created nothing, so it may be committed again).
    /// </summary>
    public Task<Guid> CreateCommitAsync(Actor actor, string node, string kind, string operation, object parameters, TableFormat format, string? fileName,
        Guid fileJobId, Guid dryRunId, CancellationToken ct) =>
        CreateAsync(actor, node, kind, operation, parameters, format, fileName, upload: null, fileJobId, committing: dryRunId, ct);

    private async Task<Guid> CreateAsync(Actor actor, string node, string kind, string operation, object parameters, TableFormat format, string? fileName,
        Stream? upload, Guid? fileJobId, Guid? committing, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        await db.InTransactionAsync(async (c, t) =>
        {
            var limit = options.Value.MaxUnfinishedJobsPerOrganization;
            if (await c.ExecuteScalarAsync<int>(db.Command(db.Dialect.UnfinishedBulkJobsOfOwner, new { OwnerId = actor.OrganizationId }, t, ct)) >= limit)
            {
                throw new TooManyInProgressException(
                    $"已有 {limit} 个导入或导出任务在排队或处理中，请等其中一个完成后再提交 (your organization has {limit} imports or exports queued or running; " +
                    "submit this one when one of them has finished).", UnfinishedJobRetrySeconds);
            }
            await jobs.InsertAsync(c, t, id, kind, node, actor.OrganizationId, ct);
            if (committing is { } dryRunId && await c.ExecuteAsync(db.Command(BulkSql.ClaimDryRun, new { CommitId = id, DryRunId = dryRunId }, t, ct)) == 0)
            {
                throw new ConflictException("该试导入已经导入过或正在导入 (this dry run is already imported or being imported; see its commit job).");
            }
            await c.ExecuteAsync(db.Command(BulkSql.InsertBulkJob, new
            {
                JobId = id,
                OwnerId = actor.OrganizationId,
                Operation = operation,
                Parameters = JsonSerializer.Serialize(parameters, Json),
                FileJobId = fileJobId ?? id,
                FileName = fileName,
                Format = format.Code(),
            }, t, ct));
            if (upload is not null)
            {
                await SaveFileAsync(c, t, id, FileNames.Upload, upload, ct);
            }
        }, ct);
        _queued.Writer.TryWrite(id);
        return id;
    }

    public async Task<BulkJob?> FindAsync(Guid jobId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.QuerySingleOrDefaultAsync<BulkJob>(db.Command(BulkSql.BulkJobById, new { JobId = jobId }, ct: ct));
    }

    /// <summary>The job and its bulk details as <paramref name="actor"/> may see them (its organization or an operator); 404 otherwise.</summary>
    public async Task<(Job Job, BulkJob Bulk)> GetAsync(Actor actor, Guid jobId, string operation, CancellationToken ct)
    {
        // The job's status first: the result is committed with the final status, so a finished status read before the
        // details guarantees the details carry the result (the other order could pair "succeeded" with no result).
        var job = await jobs.FindAsync(jobId, ct);
        var bulk = job is null ? null : await FindAsync(jobId, ct);
        if (bulk is null || job is null || bulk.Operation != operation || !(actor.IsOperator || actor.OrganizationId == bulk.OwnerId))
        {
            throw new NotFoundException($"任务 {jobId} 不存在 (job not found).");
        }
        return (WithLiveProgress(job), bulk);
    }

    /// <summary>A running job's progress as far as this node knows it.</summary>
    public Job WithLiveProgress(Job job) =>
        job.Status == JobStatuses.Running && LiveProgress.TryGetValue(job.Id, out var live) && live > job.Processed ? job with { Processed = live } : job;

    public async Task<PagedList<RowError>> ErrorsAsync(Guid jobId, int page, int pageSize, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { JobId = jobId, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(BulkSql.CountErrors, args, ct: ct));
        var rows = await c.QueryAsync<RowError>(db.Command(db.Dialect.Page(BulkSql.Errors), args, ct: ct));
        return new PagedList<RowError>(rows.ToArray(), page, pageSize, total);
    }

    public async Task<IReadOnlyList<Guid>> ClaimableAsync(DateTimeOffset staleBefore, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<Guid>(db.Command(db.Dialect.Page(BulkSql.Claimable), new { StaleBefore = staleBefore, Skip = 0, Take = 20 }, ct: ct))).ToArray();
    }

    public async Task CountAttemptAsync(Guid jobId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(BulkSql.CountAttempt, new { JobId = jobId }, ct: ct));
    }

    /// <summary>Records the outcome summary and finishes the job, in the caller's transaction when one is given.</summary>
    public async Task FinishAsync(Guid jobId, object result, long processed, string? error, DbConnection? c = null, DbTransaction? t = null, CancellationToken ct = default)
    {
        async Task Write(DbConnection connection, DbTransaction? transaction)
        {
            await connection.ExecuteAsync(db.Command(BulkSql.SetResult, new { JobId = jobId, Result = JsonSerializer.Serialize(result, Json) }, transaction, ct));
            await connection.ExecuteAsync(db.Command(JobSql.Finish, error is null ? jobs.SucceedArgs(jobId, processed) : jobs.FailArgs(jobId, processed, error), transaction, ct));
        }
        if (c is not null)
        {
            await Write(c, t);
            return;
        }
        await db.InTransactionAsync((connection, transaction) => Write(connection, transaction), ct);
    }

    public async Task SaveFileAsync(DbConnection c, DbTransaction t, Guid jobId, string name, Stream source, CancellationToken ct)
    {
        await c.ExecuteAsync(db.Command(BulkSql.DeleteChunks, new { JobId = jobId, Name = name }, t, ct));
        var buffer = new byte[ChunkBytes];
        for (var seq = 0; ; seq++)
        {
            var read = await source.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            if (read == 0)
            {
                break;
            }
            await c.ExecuteAsync(db.Command(BulkSql.InsertChunk, new { JobId = jobId, Name = name, Seq = seq, Data = buffer.AsSpan(0, read).ToArray() }, t, ct));
            if (read < buffer.Length)
            {
                break;
            }
        }
    }

    public async Task SaveFileAsync(Guid jobId, string name, Stream source, CancellationToken ct) =>
        await db.InTransactionAsync((c, t) => SaveFileAsync(c, t, jobId, name, source, ct), ct);

    /// <summary>Whether the job has a stored file of this name.</summary>
    public async Task<bool> HasFileAsync(Guid jobId, string name, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(BulkSql.ChunkCount, new { JobId = jobId, Name = name }, ct: ct)) > 0;
    }

    /// <summary>Copies a stored file to <paramref name="destination"/> a chunk at a time.</summary>
    public async Task CopyFileAsync(Guid jobId, string name, Stream destination, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var count = await c.ExecuteScalarAsync<long>(db.Command(BulkSql.ChunkCount, new { JobId = jobId, Name = name }, ct: ct));
        for (var seq = 0; seq < count; seq++)
        {
            var data = await c.ExecuteScalarAsync<byte[]>(db.Command(BulkSql.Chunk, new { JobId = jobId, Name = name, Seq = seq }, ct: ct));
            await destination.WriteAsync(data, ct);
        }
    }

    /// <summary>Longest row error message stored (<c>bulk_row_errors.message</c>, NVARCHAR(1000) on SQL Server).</summary>
    public const int ErrorMessageMax = 1000;

    /// <summary>Records row errors (a batch in one transaction), numbered after <paramref name="firstSeq"/>.</summary>
    public async Task AddErrorsAsync(Guid jobId, int firstSeq, IReadOnlyList<RowError> errors, CancellationToken ct)
    {
        if (errors.Count == 0)
        {
            return;
        }
        await db.InTransactionAsync(async (c, t) =>
            await c.ExecuteAsync(db.Command(BulkSql.InsertError,
                errors.Select((e, n) => new { JobId = jobId, Seq = firstSeq + n, e.RowNumber, Column = e.ColumnName, Message = TextRules.Shorten(e.Message, ErrorMessageMax) }).ToArray(), t, ct)), ct);
    }

    public async Task ClearErrorsAsync(Guid jobId, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(BulkSql.DeleteErrors, new { JobId = jobId }, ct: ct));
    }

    /// <summary>Deletes the files of jobs that finished before <paramref name="before"/> (unless an active job still reads them).</summary>
    public async Task<int> DeleteExpiredFilesAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var expired = (await c.QueryAsync<Guid>(db.Command(BulkSql.ExpiredFileJobs, new { Before = before }, ct: ct))).ToArray();
        foreach (var jobId in expired)
        {
            await c.ExecuteAsync(db.Command(BulkSql.DeleteAllChunks, new { JobId = jobId }, ct: ct));
        }
        return expired.Length;
    }

    public DateTimeOffset Now => clock.GetUtcNow();
}

public static class FileNames
{
    public const string Upload = "upload";
    public const string Result = "result";
}
