using System.ComponentModel.DataAnnotations;
using Dapper;
using Marketplace.Core.Leasing;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Idempotency;

/// <summary><c>Marketplace:Idempotency</c>: how long a request's answer is kept for retries with its Idempotency-Key.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Marketplace:Idempotency";

    /// <summary>Hours an Idempotency-Key is kept from its first request; a retry after that runs as a new request.</summary>
    [Range(1, 720)]
    public int RetentionHours { get; set; } = 24;

    /// <summary>
    /// Seconds after its start a request still in progress on a node judged gone by its heartbeat alone (another host) is
    /// taken for abandoned: a retry then runs it again. A node whose process certainly ended (on the same host) frees its
    /// requests at once.
    /// </summary>
    [Range(1, 86_400)]
    public int AbandonedAfterSeconds { get; set; } = 600;
}

/// <summary>An answer kept for replay: its status, the headers that matter and its body.</summary>
public sealed record IdempotentResponse(int StatusCode, string? ContentType, string? Location, string? ETag, byte[] Body);

public enum IdempotencyState
{
    /// <summary>The key is new (or its record expired): it is now recorded in progress and the caller runs the request.</summary>
    Started,

    /// <summary>A request with the key is still running (here or on another node).</summary>
    InProgress,

    /// <summary>The key was used for another request (method, path, query or body).</summary>
    Mismatch,

    /// <summary>The request with the key was answered: replay <see cref="IdempotencyClaim.Response"/>.</summary>
    Completed,
}

public sealed record IdempotencyClaim(IdempotencyState State, IdempotentResponse? Response = null);

/// <summary>
/// Idempotency keys per organization. The first request with a key inserts its record in progress — the primary key on
/// (organization, key) lets one of two racing requests in, on any node — and completes it with its answer, or abandons it
/// (deletes it) when it failed so that a retry runs again. Records expire <see cref="IdempotencyOptions.RetentionHours"/>
/// after their first request; expired ones are deleted by the next request with a key, at most every ten minutes per node.
/// A record in progress names the process running its request. If that process certainly ended (killed on this host), the
/// lease holders' clean-up deletes the record at once (<see cref="ReleaseHolderAsync"/>); if it is judged gone by its
/// heartbeat alone (another host, which a live process cut off from the database can miss too), a retry takes the record
/// over only once its request started <see cref="IdempotencyOptions.AbandonedAfterSeconds"/> ago — either way a retry runs
/// instead of waiting for the expiry, and a process that was only slow gets that long to finish first.
/// </summary>
public sealed class IdempotencyStore(Database db, IOptions<IdempotencyOptions> options, LeaseHolder holder, LeaseHolderRegistry holders, TimeProvider clock)
    : IHolderBoundRows
{
    public const int KeyMax = 255;

    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(10);

    private long _nextCleanupTicks;

    private sealed class Row
    {
        public string Fingerprint { get; init; } = "";
        public int? StatusCode { get; init; }
        public string? ContentType { get; init; }
        public string? Location { get; init; }
        public string? ETag { get; init; }
        public byte[]? Body { get; init; }
        public string? HolderId { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset ExpiresAt { get; init; }
    }

    public TimeSpan Retention => TimeSpan.FromHours(options.Value.RetentionHours);

    public string Name => "idempotency keys";

    public async Task<IdempotencyClaim> BeginAsync(Guid organizationId, string key, string fingerprint, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await DeleteExpiredIfDueAsync(now, ct);
        await using var connection = await db.OpenAsync(ct);
        var parameters = new { OrganizationId = organizationId, Key = key, Fingerprint = fingerprint, Holder = holder.Id, Now = now, ExpiresAt = now + Retention };
        // A record that goes away between the refused insert and the read (its request failed, or it expired) is tried again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            try
            {
                await connection.ExecuteAsync(db.Command(IdempotencySql.Insert, parameters, ct: ct));
                return new IdempotencyClaim(IdempotencyState.Started);
            }
            catch (Exception e) when (StorageErrors.IsUniqueViolation(e))
            {
            }
            var row = await connection.QuerySingleOrDefaultAsync<Row>(db.Command(IdempotencySql.Find, parameters, ct: ct));
            if (row is null)
            {
                continue;
            }
            if (row.ExpiresAt <= now)
            {
                await connection.ExecuteAsync(db.Command(IdempotencySql.DeleteExpiredKey, parameters, ct: ct));
                continue;
            }
            if (row.StatusCode is null && row.HolderId is { } runner && runner != holder.Id
                && row.CreatedAt <= now - TimeSpan.FromSeconds(options.Value.AbandonedAfterSeconds)
                && !await holders.IsRegisteredAsync(runner, ct))
            {
                await connection.ExecuteAsync(db.Command(IdempotencySql.DeleteAbandoned, new { OrganizationId = organizationId, Key = key, Holder = runner }, ct: ct));
                continue;
            }
            if (row.Fingerprint != fingerprint)
            {
                return new IdempotencyClaim(IdempotencyState.Mismatch);
            }
            return row.StatusCode is { } status
                ? new IdempotencyClaim(IdempotencyState.Completed, new IdempotentResponse(status, row.ContentType, row.Location, row.ETag, row.Body ?? []))
                : new IdempotencyClaim(IdempotencyState.InProgress);
        }
        return new IdempotencyClaim(IdempotencyState.InProgress);
    }

    /// <summary>Stores the answer of the request that began the record.</summary>
    public async Task CompleteAsync(Guid organizationId, string key, IdempotentResponse response, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(db.Command(IdempotencySql.Complete, new
        {
            OrganizationId = organizationId,
            Key = key,
            response.StatusCode,
            response.ContentType,
            response.Location,
            response.ETag,
            response.Body,
        }, ct: ct));
    }

    /// <summary>Deletes a record still in progress (its request failed): a retry with the key runs again.</summary>
    public async Task AbandonAsync(Guid organizationId, string key, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await connection.ExecuteAsync(db.Command(IdempotencySql.Abandon, new { OrganizationId = organizationId, Key = key }, ct: ct));
    }

    /// <summary>
    /// Deletes the records in progress of a process that certainly ended: their requests will never be answered. A holder
    /// judged gone by its heartbeat alone keeps them; retries take them over after <see cref="IdempotencyOptions.AbandonedAfterSeconds"/>.
    /// </summary>
    public async Task<int> ReleaseHolderAsync(string holderId, bool processEnded, CancellationToken ct)
    {
        if (!processEnded)
        {
            return 0;
        }
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(db.Command(IdempotencySql.ReleaseHolder, new { Holder = holderId }, ct: ct));
    }

    /// <summary>Deletes every expired record; returns how many.</summary>
    public async Task<int> DeleteExpiredAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.ExecuteAsync(db.Command(IdempotencySql.DeleteExpired, new { Now = clock.GetUtcNow() }, ct: ct));
    }

    private async Task DeleteExpiredIfDueAsync(DateTimeOffset now, CancellationToken ct)
    {
        var due = Interlocked.Read(ref _nextCleanupTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextCleanupTicks, (now + CleanupInterval).UtcTicks, due) != due)
        {
            return;
        }
        await DeleteExpiredAsync(ct);
    }
}
