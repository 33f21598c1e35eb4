using System.Data.Common;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Leasing;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Webhooks;

/// <summary>Who receives an event: given organizations and/or every organization of given kinds.</summary>
public sealed record WebhookAudience(IReadOnlyList<Guid> Organizations, IReadOnlyList<OrganizationKind> Kinds)
{
    public static WebhookAudience Of(params Guid[] organizations) => new(organizations, []);
}

/// <summary>A claimed delivery with what sending it needs.</summary>
public sealed record ClaimedDelivery
{
    public long Seq { get; init; }
    public Guid DeliveryId { get; init; }
    public int Attempts { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public Guid EndpointId { get; init; }
    public Guid EventId { get; init; }
    public string EventType { get; init; } = "";
    public string Payload { get; init; } = "";
    public string Url { get; init; } = "";
    public string Secret { get; init; } = "";
    public string? PreviousSecret { get; init; }
    public DateTimeOffset? PreviousSecretUntil { get; init; }
}

/// <summary>
/// The webhook outbox. Causes (engagement steps, review decisions, match runs) call <see cref="RecordAsync"/> inside their
/// own transaction: the event and one delivery per subscribed endpoint commit with the cause or not at all. Deliverers
/// claim due deliveries with the process's lease (<see cref="Leases"/>; at most a few per endpoint, none of an endpoint this
/// process is already sending to), renew the lease while sending and settle each delivery only while they still hold it,
/// so several nodes deliver each event once per endpoint and a killed process's deliveries are taken up by its successor.
/// </summary>
public sealed class WebhookOutbox(Database db, IOptions<WebhookOptions> options, TimeProvider clock, WebhookSignal? signal = null) : ILeasedQueue
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public const int ErrorMaxLength = 1_000;

    public string Name => "webhook deliveries";

    private sealed class TargetRow
    {
        public Guid EndpointId { get; init; }
        public Guid OrganizationId { get; init; }
    }

    /// <summary>
    /// Records an event for every organization of <paramref name="audience"/> that has an active endpoint subscribed to
    /// <paramref name="type"/>, in the caller's transaction. <paramref name="build"/> makes the envelope for one organization
    /// (the event id is the idempotency id receivers see). Nothing is written when nobody subscribed.
    /// </summary>
    public async Task RecordAsync(DbConnection c, DbTransaction t, WebhookAudience audience, string type,
        Func<Guid, Guid, WebhookEnvelope> build, DateTimeOffset now, CancellationToken ct)
    {
        var organizations = audience.Organizations.Distinct().ToArray();
        var targets = (await c.QueryAsync<TargetRow>(db.Command(WebhookSql.Subscribers, new
        {
            Pattern = "%," + type + ",%",
            OrganizationIds = DapperTypeHandlers.ListParameter(organizations.Length == 0 ? [Guid.Empty] : organizations),
            Kinds = audience.Kinds.Count == 0 ? [""] : audience.Kinds.Select(k => k.ToCode()).ToArray(),
        }, t, ct))).ToArray();
        if (targets.Length == 0)
        {
            return;
        }
        var expires = now + options.Value.RetryFor;
        foreach (var organization in targets.GroupBy(x => x.OrganizationId))
        {
            var eventId = Guid.NewGuid();
            var envelope = build(eventId, organization.Key);
            var payload = JsonSerializer.Serialize(envelope, envelope.GetType(), Json);
            await c.ExecuteAsync(db.Command(WebhookSql.InsertEvent, new { Id = eventId, OrganizationId = organization.Key, Type = type, Payload = payload, Now = now }, t, ct));
            await c.ExecuteAsync(db.Command(WebhookSql.InsertDelivery, organization.Select(target => new
            {
                Id = Guid.NewGuid(), EventId = eventId, target.EndpointId, Now = now, ExpiresAt = expires,
            }).ToArray(), t, ct));
        }
        signal?.Poke();
    }

    /// <summary>True when some active endpoint subscribes to <paramref name="type"/> (lets a cause skip building payloads nobody receives).</summary>
    public async Task<bool> AnySubscriberAsync(DbConnection c, DbTransaction t, string type, CancellationToken ct) =>
        await c.ExecuteScalarAsync<long>(db.Command(WebhookSql.AnySubscriber, new { Pattern = "%," + type + ",%" }, t, ct)) > 0;

    /// <summary>Claims due deliveries for <paramref name="holderId"/> until <paramref name="leaseUntil"/>, skipping the endpoints in <paramref name="busyEndpoints"/>.</summary>
    public async Task<IReadOnlyList<ClaimedDelivery>> ClaimAsync(string holderId, DateTimeOffset leaseUntil, int take, int perEndpoint,
        IReadOnlyCollection<Guid> busyEndpoints, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var c = await db.OpenAsync(ct);
        var seqs = (await c.QueryAsync<long>(db.Command(db.Dialect.ClaimWebhookDeliveries, new
        {
            Holder = holderId,
            LeaseUntil = leaseUntil,
            Now = now,
            Take = take,
            PerEndpoint = perEndpoint,
            Busy = DapperTypeHandlers.ListParameter(busyEndpoints.Count == 0 ? [Guid.Empty] : busyEndpoints),
        }, ct: ct))).ToArray();
        if (seqs.Length == 0)
        {
            return [];
        }
        return (await c.QueryAsync<ClaimedDelivery>(db.Command(WebhookSql.Claimed, new { Seqs = seqs, Holder = holderId }, ct: ct)))
            .OrderBy(d => d.Seq).ToArray();
    }

    /// <summary>How one attempt ended.</summary>
    public sealed record AttemptResult(bool Delivered, int? StatusCode, string? Error, TimeSpan Duration);

    /// <summary>
    /// Settles an attempt while <paramref name="holderId"/> still holds the delivery: delivered, retried after
    /// <paramref name="retryAfter"/>, or dead once the next attempt would fall after its expiry. False when the lease was lost.
    /// </summary>
    public async Task<bool> SettleAsync(ClaimedDelivery delivery, string holderId, AttemptResult result, TimeSpan retryAfter, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var error = result.Error is { Length: > ErrorMaxLength } e ? e[..ErrorMaxLength] : result.Error;
        var next = now + retryAfter;
        var sql = result.Delivered ? WebhookSql.Delivered : next > delivery.ExpiresAt ? WebhookSql.Dead : WebhookSql.Retry;
        return await db.InTransactionAsync(async (c, t) =>
        {
            var settled = await c.ExecuteAsync(db.Command(sql, new
            {
                delivery.Seq, Holder = holderId, Now = now, Next = next, Status = result.StatusCode, Error = error,
            }, t, ct));
            if (settled == 0)
            {
                return false;
            }
            await c.ExecuteAsync(db.Command(WebhookSql.InsertAttempt, new
            {
                DeliverySeq = delivery.Seq, Attempt = delivery.Attempts + 1, Now = now, Holder = holderId, Status = result.StatusCode, Error = error,
                DurationMs = (int)Math.Min(int.MaxValue, result.Duration.TotalMilliseconds),
            }, t, ct));
            return true;
        }, ct);
    }

    /// <summary>Gives deliveries back unattempted (shutdown): another process may take them at once.</summary>
    public async Task ReleaseAsync(string holderId, IReadOnlyCollection<long> seqs, CancellationToken ct)
    {
        if (seqs.Count == 0)
        {
            return;
        }
        await using var c = await db.OpenAsync(ct);
        await c.ExecuteAsync(db.Command(WebhookSql.Release, new { Seqs = seqs.ToArray(), Holder = holderId }, ct: ct));
    }

    public async Task<int> RenewAsync(string holderId, IReadOnlyCollection<long> keys, DateTimeOffset until, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(WebhookSql.Renew, new { Keys = keys.ToArray(), Holder = holderId, Until = until }, ct: ct));
    }

    public async Task<int> ReleaseHolderAsync(string holderId, bool processEnded, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteAsync(db.Command(WebhookSql.ReleaseHolder, new { Holder = holderId }, ct: ct));
    }

    /// <summary>Deliveries not yet delivered or dead (any endpoint).</summary>
    public async Task<long> PendingCountAsync(CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return await c.ExecuteScalarAsync<long>(db.Command(WebhookSql.PendingCount, ct: ct));
    }
}

/// <summary>Wakes the deliverer after an event was recorded on this node.</summary>
public sealed class WebhookSignal : WakeUpSignal;
