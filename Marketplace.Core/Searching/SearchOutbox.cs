using Dapper;
using Marketplace.Core.Storage;

namespace Marketplace.Core.Searching;

/// <summary>One claimed outbox row: the offering whose index document must be (re)written.</summary>
public sealed record OutboxEntry
{
    public long Seq { get; init; }
    public Guid OfferingId { get; init; }
    public long IndexVersion { get; init; }
    public int Attempts { get; init; }
}

/// <summary>
/// The search outbox written by <see cref="Offerings.OfferingStore"/> in the same transaction as a publish or retire.
/// Rows are claimed with a lease (node id + expiry) so several nodes can drain it; a row leaves the queue only
/// when marked processed, and a failed row is released with its attempt count and error, never dropped.
/// </summary>
public sealed class SearchOutbox(Database db, TimeProvider clock)
{
    /// <summary>Claims up to <paramref name="take"/> free rows (oldest first) for <paramref name="node"/> until the lease expires.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(string node, int take, TimeSpan lease, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        var now = clock.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var rows = await c.QueryAsync<OutboxEntry>(db.Command(db.Dialect.ClaimOutbox, new { Node = node, LeaseUntil = now + lease, Now = now, Take = take }, ct: ct));
        return rows.OrderBy(r => r.Seq).ToArray();
    }

    /// <summary>Marks rows processed; they stay in the table (for audit) until <see cref="PurgeProcessedAsync"/>.</summary>
    public async Task CompleteAsync(IReadOnlyCollection<long> seqs, CancellationToken ct)
    {
        if (seqs.Count == 0)
        {
            return;
        }
        await using var c = await db.OpenAsync(ct);
        foreach (var chunk in seqs.Chunk(500))
        {
            await c.ExecuteAsync(db.Command(SearchOutboxSql.Complete, new { Seqs = chunk, Now = clock.GetUtcNow() }, ct: ct));
        }
    }

    /// <summary>
    /// Gives rows back after a failed write: attempts + 1, the error kept, and no node may claim them before
    /// <paramref name="retryAfter"/> has passed (a per-row back-off that every node respects).
    /// </summary>
    public async Task ReleaseAsync(IReadOnlyCollection<long> seqs, string error, TimeSpan retryAfter, CancellationToken ct)
    {
        if (seqs.Count == 0)
        {
            return;
        }
        var message = error.Length > SearchOutboxSql.ErrorMaxLength ? error[..SearchOutboxSql.ErrorMaxLength] : error;
        await using var c = await db.OpenAsync(ct);
        foreach (var chunk in seqs.Chunk(500))
        {
            await c.ExecuteAsync(db.Command(SearchOutboxSql.Release, new { Seqs = chunk, Error = message, RetryAt = clock.GetUtcNow() + retryAfter }, ct: ct));
        }
    }

    /// <summary>Rows not yet processed (claimed or not).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(SearchOutboxSql.PendingCount, ct: ct));
    }

    /// <summary>Deletes rows processed before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> PurgeProcessedAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(SearchOutboxSql.PurgeProcessed, new { Before = before }, ct: ct));
    }
}

/// <summary>Outbox statements shared by SQLite and SQL Server (claiming is dialect-specific: <see cref="SqlDialect.ClaimOutbox"/>).</summary>
public static class SearchOutboxSql
{
    public const int ErrorMaxLength = 2000;

    public const string Complete = """
        UPDATE search_outbox SET processed_at = @Now, claimed_until = NULL
        WHERE seq IN @Seqs AND processed_at IS NULL
        """;

    public const string Release = """
        UPDATE search_outbox SET attempts = attempts + 1, last_error = @Error, claimed_by = NULL, claimed_until = @RetryAt
        WHERE seq IN @Seqs AND processed_at IS NULL
        """;

    public const string PendingCount = "SELECT COUNT(*) FROM search_outbox WHERE processed_at IS NULL";

    public const string PurgeProcessed = "DELETE FROM search_outbox WHERE processed_at IS NOT NULL AND processed_at < @Before";
}
