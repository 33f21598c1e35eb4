namespace Marketplace.Core.Storage;

/// <summary>
/// The statements that differ between SQLite and SQL Server. Everything else is shared SQL in the
/// feature folders' <c>*Sql</c> classes, written in the subset both engines accept.
/// </summary>
public abstract class SqlDialect
{
    public abstract StorageProvider Provider { get; }

    /// <summary>Folder of numbered migration scripts under Storage/Migrations.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Appends paging to a query that already ends with ORDER BY. Parameters: @Skip, @Take.</summary>
    public abstract string Page(string orderedQuery);

    /// <summary>
    /// Claims up to @Take unprocessed outbox rows whose lease is free or expired for @Holder until @LeaseUntil
    /// (@Now is the current time); returns seq, offering_id, index_version, attempts. Safe with several nodes.
    /// </summary>
    public abstract string ClaimOutbox { get; }

    /// <summary>
    /// Claims up to @Take re-match rows whose lease is free or expired (and whose back-off has passed) for @Holder until
    /// @LeaseUntil (@Now is the current time); returns seq, offering_id, directions, attempts. Safe with several nodes.
    /// </summary>
    public abstract string ClaimRematch { get; }

    /// <summary>Takes the lock that serializes match-event writers so the feed's sequence commits in order.</summary>
    public abstract string LockMatchEvents { get; }

    /// <summary>
    /// Claims for @Holder until @LeaseUntil up to @Take due webhook deliveries (pending, next attempt ≤ @Now, lease free or
    /// expired) of active endpoints not in @Busy, at most @PerEndpoint per endpoint (oldest first); returns their seq.
    /// Safe with several nodes.
    /// </summary>
    public abstract string ClaimWebhookDeliveries { get; }

    /// <summary>The due deliveries a claim picks from (shared by both dialects' claim statements).</summary>
    protected static string DueDeliveries(string lockHint) => $"""
        SELECT d.seq, d.next_attempt_at, ROW_NUMBER() OVER (PARTITION BY d.endpoint_id ORDER BY d.seq) AS rn
        FROM webhook_deliveries d {lockHint} JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= @Now AND (d.claimed_until IS NULL OR d.claimed_until < @Now)
          AND e.active = 1 AND e.deleted_at IS NULL AND d.endpoint_id NOT IN @Busy
        """;

    /// <summary>
    /// Inserts a queued job (@Id, @Kind, @Node, @RequestedBy, @Now) unless one of its kind is queued or running and was
    /// updated after @StaleBefore; zero rows affected means one is. Two requests at the same instant never both insert.
    /// </summary>
    public string InsertJobUnlessActive => $"""
        INSERT INTO jobs (id, kind, status, processed, total, node, requested_by, created_at, started_at, finished_at, updated_at, error)
        SELECT @Id, @Kind, 'queued', 0, NULL, @Node, @RequestedBy, @Now, NULL, NULL, @Now, NULL
        WHERE NOT EXISTS (
            SELECT 1 FROM jobs {LockingRead} WHERE kind = @Kind AND status IN ('queued', 'running') AND updated_at > @StaleBefore)
        """;

    /// <summary>
    /// A table hint for a read that decides a write in the same transaction (a count that must stay true until commit):
    /// SQLite queues writers, so none is needed; SQL Server's is a key-range update lock that reads the latest committed
    /// rows whatever READ_COMMITTED_SNAPSHOT says.
    /// </summary>
    protected abstract string LockingRead { get; }

    /// <summary>The organization's active keys other than one (read after revoking that one, to keep the last).</summary>
    public string OtherActiveKeys =>
        $"SELECT COUNT(*) FROM api_keys {LockingRead} WHERE organization_id = @OrganizationId AND id <> @KeyId AND revoked_at IS NULL";

    /// <summary>An organization's active keys (read before issuing one more, to keep the limit).</summary>
    public string ActiveKeysOf =>
        $"SELECT COUNT(*) FROM api_keys {LockingRead} WHERE organization_id = @OrganizationId AND revoked_at IS NULL";

    /// <summary>A plan project's status, read to decide a change made in the same transaction (a report linked, say).</summary>
    public string PlanProjectStatusForUpdate => $"SELECT status FROM plan_projects {LockingRead} WHERE id = @Id";

    /// <summary>An organization's imports and exports queued or running (read before queuing one more, to keep the limit).</summary>
    public string UnfinishedBulkJobsOfOwner =>
        $"SELECT COUNT(*) FROM bulk_jobs b {LockingRead} JOIN jobs j ON j.id = b.job_id WHERE b.owner_id = @OwnerId AND j.status IN ('queued', 'running')";

    /// <summary>An organization's webhook endpoints, id and URL (read before registering one more, to keep the limit and refuse a URL twice).</summary>
    public string LiveEndpointsOf =>
        $"SELECT id AS Id, url AS Url FROM webhook_endpoints {LockingRead} WHERE organization_id = @OrganizationId AND deleted_at IS NULL";

    /// <summary>Whether the database reads committed rows without waiting for writers (null where that is always so).</summary>
    public virtual string? ReadCommittedSnapshotCheck => null;

    /// <summary>The database server's UTC time, for a node to compare its own clock with (null for an embedded database, one node only).</summary>
    public virtual string? DatabaseUtcNow => null;

    public abstract string CreateMigrationsTable { get; }

    /// <summary>
    /// SQLite, the embedded default: one process on one file with one writer at a time. Work left running in the
    /// database at start-up was this process's before it stopped, and a second connection can't write while a long
    /// write transaction is open.
    /// </summary>
    public abstract bool IsEmbedded { get; }

    /// <summary>Serializes start-up work (migrations, bootstrap) across nodes for the connection's session.</summary>
    public abstract string AcquireStartupLock { get; }

    public abstract string ReleaseStartupLock { get; }
}

public sealed class SqliteDialect : SqlDialect
{
    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string MigrationFolder => "sqlite";

    public override string Page(string orderedQuery) => orderedQuery + " LIMIT @Take OFFSET @Skip";

    public override string ClaimOutbox => """
        UPDATE search_outbox SET claimed_by = @Holder, claimed_until = @LeaseUntil
        WHERE seq IN (
            SELECT seq FROM search_outbox
            WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < @Now)
            ORDER BY seq LIMIT @Take)
        RETURNING seq AS Seq, offering_id AS OfferingId, index_version AS IndexVersion, attempts AS Attempts
        """;

    public override string ClaimRematch => """
        UPDATE rematch_queue SET claimed_by = @Holder, claimed_until = @LeaseUntil
        WHERE seq IN (
            SELECT seq FROM rematch_queue
            WHERE claimed_until IS NULL OR claimed_until < @Now
            ORDER BY seq LIMIT @Take)
        RETURNING seq AS Seq, offering_id AS OfferingId, directions AS Directions, attempts AS Attempts
        """;

    // SQLite has one writer at a time: a write transaction (BEGIN IMMEDIATE) is the lock.
    public override string LockMatchEvents => "SELECT 1";

    // One writer at a time: the UPDATE … WHERE seq IN (SELECT …) picks and claims in one write.
    public override string ClaimWebhookDeliveries => $"""
        UPDATE webhook_deliveries SET claimed_by = @Holder, claimed_until = @LeaseUntil
        WHERE seq IN (
            SELECT seq FROM ({DueDeliveries("")}) due
            WHERE rn <= @PerEndpoint ORDER BY next_attempt_at, seq LIMIT @Take)
        RETURNING seq
        """;

    // One writer at a time: the INSERT … SELECT runs as one write, nothing can slip in between.
    protected override string LockingRead => "";

    public override bool IsEmbedded => true;

    public override string CreateMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";

    // The embedded default is one process on one file; SQLite's own write lock covers the rest.
    public override string AcquireStartupLock => "SELECT 1";

    public override string ReleaseStartupLock => "SELECT 1";
}

public sealed class SqlServerDialect : SqlDialect
{
    public override StorageProvider Provider => StorageProvider.SqlServer;

    public override string MigrationFolder => "sqlserver";

    public override string Page(string orderedQuery) => orderedQuery + " OFFSET @Skip ROWS FETCH NEXT @Take ROWS ONLY";

    public override string ClaimOutbox => """
        WITH next AS (
            SELECT TOP (@Take) seq, offering_id, index_version, attempts, claimed_by, claimed_until
            FROM search_outbox WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < @Now)
            ORDER BY seq)
        UPDATE next SET claimed_by = @Holder, claimed_until = @LeaseUntil
        OUTPUT inserted.seq AS Seq, inserted.offering_id AS OfferingId, inserted.index_version AS IndexVersion, inserted.attempts AS Attempts;
        """;

    public override string ClaimRematch => """
        WITH next AS (
            SELECT TOP (@Take) seq, offering_id, directions, attempts, claimed_by, claimed_until
            FROM rematch_queue WITH (UPDLOCK, READPAST, ROWLOCK)
            WHERE claimed_until IS NULL OR claimed_until < @Now
            ORDER BY seq)
        UPDATE next SET claimed_by = @Holder, claimed_until = @LeaseUntil
        OUTPUT inserted.seq AS Seq, inserted.offering_id AS OfferingId, inserted.directions AS Directions, inserted.attempts AS Attempts;
        """;

    // sp_getapplock says "not granted" (timed out, deadlock victim) only in its return code: without the THROW the writer
    // would go on unlocked and feed sequence numbers could commit out of order.
    public override string LockMatchEvents => $"""
        DECLARE @granted int;
        EXEC @granted = sp_getapplock @Resource = 'match_events', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 10000;
        IF @granted < 0 THROW {StorageErrors.AppLockNotGranted}, 'match_events lock not granted', 1;
        """;

    // Rows another node is claiming are skipped (READPAST) rather than waited for; the update re-checks the lease.
    public override string ClaimWebhookDeliveries => $"""
        WITH due AS ({DueDeliveries("WITH (UPDLOCK, READPAST, ROWLOCK)")}),
        picked AS (SELECT TOP (@Take) seq FROM due WHERE rn <= @PerEndpoint ORDER BY next_attempt_at, seq)
        UPDATE d SET claimed_by = @Holder, claimed_until = @LeaseUntil
        OUTPUT inserted.seq
        FROM webhook_deliveries d JOIN picked ON picked.seq = d.seq
        WHERE d.status = 'pending' AND (d.claimed_until IS NULL OR d.claimed_until < @Now);
        """;

    // Under READ COMMITTED two requests could both see "none active" and both insert: the key-range lock held to the end
    // of the statement (HOLDLOCK), taken as an update lock so two checkers do not deadlock, makes the second wait and
    // then see the first's row.
    protected override string LockingRead => "WITH (UPDLOCK, HOLDLOCK)";

    public override string ReadCommittedSnapshotCheck => "SELECT CAST(is_read_committed_snapshot_on AS INT) FROM sys.databases WHERE database_id = DB_ID()";

    public override string DatabaseUtcNow => "SELECT SYSUTCDATETIME()";

    public override bool IsEmbedded => false;

    public override string CreateMigrationsTable => """
        IF OBJECT_ID('dbo.schema_migrations') IS NULL
        CREATE TABLE dbo.schema_migrations (version INT NOT NULL PRIMARY KEY, name NVARCHAR(200) NOT NULL, applied_at DATETIMEOFFSET NOT NULL)
        """;

    // Not granted within 10 minutes (another node's migration still running): start-up fails rather than migrating alongside it.
    public override string AcquireStartupLock => $"""
        DECLARE @granted int;
        EXEC @granted = sp_getapplock @Resource = 'marketplace_startup', @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 600000;
        IF @granted < 0 THROW {StorageErrors.AppLockNotGranted}, 'marketplace_startup lock not granted', 1;
        """;

    public override string ReleaseStartupLock =>
        "EXEC sp_releaseapplock @Resource = 'marketplace_startup', @LockOwner = 'Session'";
}
