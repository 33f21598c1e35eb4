using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Jobs;

/// <summary>Jobs in SQL so that any node can report the progress of a job another node runs.</summary>
public sealed class JobStore(Database db, TimeProvider clock)
{
    /// <summary>An active job not updated for this long is taken as abandoned (its node died) and no longer blocks a new one.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public string Status { get; init; } = "";
        public long Processed { get; init; }
        public long? Total { get; init; }
        public string Node { get; init; } = "";
        public Guid RequestedBy { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? StartedAt { get; init; }
        public DateTimeOffset? FinishedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string? Error { get; init; }

        public Job ToJob() => new(Id, Kind, Status, Processed, Total, Node, RequestedBy, CreatedAt, StartedAt, FinishedAt, UpdatedAt, Error);
    }

    /// <summary>Queues a job of <paramref name="kind"/>; 409 when one of that kind is already queued or running.</summary>
    public async Task<Job> CreateAsync(string kind, string node, Guid requestedBy, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var now = clock.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var inserted = await c.ExecuteAsync(db.Command(db.Dialect.InsertJobUnlessActive,
            new { Id = id, Kind = kind, Node = node, RequestedBy = requestedBy, Now = now, StaleBefore = now - StaleAfter }, ct: ct));
        if (inserted == 0)
        {
            throw new ConflictException($"已有 {kind} 任务在运行 (a {kind} job is already queued or running).");
        }
        return (await FindAsync(id, ct))!;
    }

    /// <summary>Inserts a queued job in the caller's transaction, with no check for others of its kind (several imports may run at once).</summary>
    public async Task InsertAsync(System.Data.Common.DbConnection c, System.Data.Common.DbTransaction t, Guid id, string kind, string node, Guid requestedBy, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(JobSql.Insert, new { Id = id, Kind = kind, Node = node, RequestedBy = requestedBy, Now = clock.GetUtcNow() }, t, ct));

    /// <summary>
    /// Takes a queued job, or a running one whose node stopped updating it before <paramref name="staleBefore"/>, for
    /// <paramref name="node"/>; false when another node was first.
    /// </summary>
    public async Task<bool> ClaimAsync(Guid id, string node, DateTimeOffset staleBefore, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(JobSql.Claim, new { Id = id, Node = node, Now = clock.GetUtcNow(), StaleBefore = staleBefore }, ct: ct)) == 1;
    }

    /// <summary>Puts a running job back in the queue (its node is shutting down), with the reason for the record.</summary>
    public Task RequeueAsync(Guid id, string reason, CancellationToken ct) =>
        ExecuteAsync(JobSql.Requeue, new { Id = id, Error = reason, Now = clock.GetUtcNow() }, ct);

    public Task TotalAsync(Guid id, long total, CancellationToken ct) =>
        ExecuteAsync(JobSql.Total, new { Id = id, Total = total, Now = clock.GetUtcNow() }, ct);

    public async Task<Job?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<Row>(db.Command(JobSql.ById, new { Id = id }, ct: ct));
        return row?.ToJob();
    }

    public async Task<Job> GetAsync(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) ?? throw new NotFoundException($"任务 {id} 不存在 (job not found).");

    public Task StartAsync(Guid id, long? total, CancellationToken ct) =>
        ExecuteAsync(JobSql.Start, new { Id = id, Total = total, Now = clock.GetUtcNow() }, ct);

    public Task ProgressAsync(Guid id, long processed, CancellationToken ct) =>
        ExecuteAsync(JobSql.Progress, new { Id = id, Processed = processed, Now = clock.GetUtcNow() }, ct);

    public Task SucceedAsync(Guid id, long processed, CancellationToken ct) =>
        ExecuteAsync(JobSql.Finish, SucceedArgs(id, processed), ct);

    public Task FailAsync(Guid id, long processed, string error, CancellationToken ct) =>
        ExecuteAsync(JobSql.Finish, FailArgs(id, processed, error), ct);

    public object FailArgs(Guid id, long processed, string error) => new
    {
        Id = id,
        Status = JobStatuses.Failed,
        Processed = processed,
        Error = error.Length > JobSql.ErrorMaxLength ? error[..JobSql.ErrorMaxLength] : error,
        Now = clock.GetUtcNow(),
    };

    public object SucceedArgs(Guid id, long processed) =>
        new { Id = id, Status = JobStatuses.Succeeded, Processed = processed, Error = (string?)null, Now = clock.GetUtcNow() };

    /// <summary>
    /// Marks failed the queued or running jobs of <paramref name="kind"/> whose node is no longer a registered lease holder
    /// (its process is gone, see <see cref="Leasing.LeaseHolderService"/>): a job interrupted by <c>kill -9</c> does not block
    /// the next one for <see cref="StaleAfter"/>. Only for kinds whose node is a lease holder's id: bulk jobs name their node
    /// otherwise and are resumed by any node instead. Returns how many.
    /// </summary>
    public async Task<int> FailOrphanedAsync(string kind, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(JobSql.FailOrphaned,
            new { Kind = kind, Now = clock.GetUtcNow(), Error = "its node stopped before the job finished" }, ct: ct));
    }

    private async Task ExecuteAsync(string sql, object parameters, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(sql, parameters, ct: ct));
    }
}

/// <summary>Job statements, valid on SQLite and SQL Server.</summary>
public static class JobSql
{
    public const int ErrorMaxLength = 2000;

    private const string Columns = """
        id AS Id, kind AS Kind, status AS Status, processed AS Processed, total AS Total, node AS Node, requested_by AS RequestedBy,
        created_at AS CreatedAt, started_at AS StartedAt, finished_at AS FinishedAt, updated_at AS UpdatedAt, error AS Error
        """;

    /// <summary>Inserts a queued job unless a fresh one of the same kind is queued or running (rows affected 0).</summary>
    public const string ById = "SELECT " + Columns + " FROM jobs WHERE id = @Id";

    public const string Insert = """
        INSERT INTO jobs (id, kind, status, processed, total, node, requested_by, created_at, started_at, finished_at, updated_at, error)
        VALUES (@Id, @Kind, 'queued', 0, NULL, @Node, @RequestedBy, @Now, NULL, NULL, @Now, NULL)
        """;

    public const string Claim = """
        UPDATE jobs SET status = 'running', node = @Node, started_at = COALESCE(started_at, @Now), updated_at = @Now
        WHERE id = @Id AND (status = 'queued' OR (status = 'running' AND updated_at < @StaleBefore))
        """;

    public const string Requeue = "UPDATE jobs SET status = 'queued', error = @Error, updated_at = @Now WHERE id = @Id AND status = 'running'";

    public const string Total = "UPDATE jobs SET total = @Total, processed = 0, updated_at = @Now WHERE id = @Id";

    public const string Start = "UPDATE jobs SET status = 'running', total = @Total, started_at = @Now, updated_at = @Now WHERE id = @Id";

    public const string Progress = "UPDATE jobs SET processed = @Processed, updated_at = @Now WHERE id = @Id";

    public const string FailOrphaned = """
        UPDATE jobs SET status = 'failed', error = @Error, finished_at = @Now, updated_at = @Now
        WHERE kind = @Kind AND status IN ('queued', 'running') AND node NOT IN (SELECT holder_id FROM lease_holders)
        """;

    public const string Finish = """
        UPDATE jobs SET status = @Status, processed = @Processed, error = @Error, finished_at = @Now, updated_at = @Now
        WHERE id = @Id
        """;
}
