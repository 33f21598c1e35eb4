using System.Data.Common;
using System.Net;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Webhooks;

public sealed record WebhookEndpoint
{
    public Guid Id { get; init; }
    public Guid OrganizationId { get; init; }
    public string Url { get; init; } = "";
    public string? Description { get; init; }
    public string EventTypes { get; init; } = "";
    public bool Active { get; init; }
    public DateTimeOffset? PreviousSecretUntil { get; init; }
    public int RowVersion { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public IReadOnlyList<string> Types => EventTypes.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public string ETag => $"\"{RowVersion}\"";
}

public sealed record WebhookEndpointInput(string? Url, IReadOnlyList<string?>? EventTypes, string? Description, bool? Active);

public sealed record WebhookDelivery
{
    public long Seq { get; init; }
    public Guid Id { get; init; }
    public Guid EndpointId { get; init; }
    public Guid EventId { get; init; }
    public string EventType { get; init; } = "";
    public DateTimeOffset OccurredAt { get; init; }
    public string Status { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? LastAttemptAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public DateTimeOffset? DeliveredAt { get; init; }
    public DateTimeOffset? DeadAt { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public string? Payload { get; init; }
    public IReadOnlyList<WebhookAttempt> AttemptLog { get; init; } = [];
}

public sealed record WebhookAttempt
{
    public int Attempt { get; init; }
    public DateTimeOffset At { get; init; }
    public string Holder { get; init; } = "";
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public int DurationMs { get; init; }
}

public static class WebhookDeliveryStatuses
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";

    /// <summary>The dead-letter state: retried for a day (Marketplace:Webhooks:RetryFor) without success; redeliver to try again.</summary>
    public const string Dead = "dead";

    public static readonly IReadOnlyList<string> Codes = [Pending, Delivered, Dead];
}

/// <summary>An organization's webhook endpoints and their deliveries. Only the owning organization sees them (404 for anyone else).</summary>
public sealed class WebhookStore(Database db, IOptions<WebhookOptions> options, TimeProvider clock, WebhookSignal? signal = null)
{
    public const int UrlMax = 2_000;
    public const int DescriptionMax = 200;

    public async Task<(WebhookEndpoint Endpoint, string Secret)> CreateAsync(Actor actor, WebhookEndpointInput? input, CancellationToken ct)
    {
        var (url, types, description) = Validate(actor, input, requireAll: true);
        var secret = WebhookSignature.NewSecret();
        var id = Guid.NewGuid();
        await db.InTransactionAsync(async (c, t) =>
        {
            var endpoints = await OtherEndpointsWithUrlCheckedAsync(c, t, actor.OrganizationId, null, url, ct);
            if (endpoints >= options.Value.MaxEndpointsPerOrganization)
            {
                throw new ConflictException($"每个机构最多 {options.Value.MaxEndpointsPerOrganization} 个回调地址 (at most {options.Value.MaxEndpointsPerOrganization} endpoints per organization).");
            }
            await c.ExecuteAsync(db.Command(WebhookSql.InsertEndpoint, new
            {
                Id = id, actor.OrganizationId, Url = url, Description = description, EventTypes = Join(types), Secret = secret, Now = clock.GetUtcNow(),
            }, t, ct));
        }, ct);
        return (await GetAsync(actor, id, ct), secret);
    }

    public async Task<WebhookEndpoint> GetAsync(Actor actor, Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var endpoint = await c.QuerySingleOrDefaultAsync<WebhookEndpoint>(db.Command(WebhookSql.EndpointById, new { Id = id }, ct: ct));
        return endpoint is not null && endpoint.OrganizationId == actor.OrganizationId
            ? endpoint
            : throw new NotFoundException($"回调地址 {id} 不存在 (webhook endpoint not found).");
    }

    public async Task<IReadOnlyList<WebhookEndpoint>> ListAsync(Actor actor, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<WebhookEndpoint>(db.Command(WebhookSql.EndpointsOf, new { actor.OrganizationId }, ct: ct))).ToArray();
    }

    public async Task<WebhookEndpoint> UpdateAsync(Actor actor, Guid id, string? ifMatch, WebhookEndpointInput? input, CancellationToken ct)
    {
        var endpoint = await GetAsync(actor, id, ct);
        Preconditions.RequireIfMatch(ifMatch, "回调地址");
        Preconditions.CheckIfMatch(ifMatch, endpoint.ETag, "回调地址");
        var (url, types, description) = Validate(actor, input, requireAll: true);
        await db.InTransactionAsync(async (c, t) =>
        {
            if (url != endpoint.Url)
            {
                await OtherEndpointsWithUrlCheckedAsync(c, t, actor.OrganizationId, id, url, ct);
            }
            var affected = await c.ExecuteAsync(db.Command(WebhookSql.UpdateEndpoint, new
            {
                Id = id, Url = url, Description = description, EventTypes = Join(types), Active = input!.Active ?? endpoint.Active, Now = clock.GetUtcNow(),
                ExpectedRowVersion = endpoint.RowVersion,
            }, t, ct));
            if (affected == 0)
            {
                throw new PreconditionFailedException("回调地址已被修改，请重新获取后再试 (the endpoint changed meanwhile; fetch it again).");
            }
        }, ct);
        return await GetAsync(actor, id, ct);
    }

    /// <summary>
    /// Counts the organization's endpoints other than <paramref name="self"/>, read with a lock so that two registrations at
    /// once keep the limit; 409 when one of them has <paramref name="url"/> already (as one address, on both engines): a
    /// registration retried after a lost answer (it takes no Idempotency-Key, its answer holds the secret) would deliver
    /// every event twice.
    /// </summary>
    private async Task<int> OtherEndpointsWithUrlCheckedAsync(DbConnection c, DbTransaction t, Guid organizationId, Guid? self, string url, CancellationToken ct)
    {
        var others = (await c.QueryAsync<EndpointUrlRow>(db.Command(db.Dialect.LiveEndpointsOf, new { OrganizationId = organizationId }, t, ct)))
            .Where(e => e.Id != self).ToArray();
        var address = SameAddress(url);
        if (others.FirstOrDefault(e => SameAddress(e.Url) == address) is { } existing)
        {
            throw new ConflictException(self is null
                ? $"该回调地址已登记为 {existing.Id}；如需新的签名密钥请轮换其密钥 (this URL is already registered as endpoint {existing.Id}; rotate its secret if you need a new one)."
                : $"该回调地址已由 {existing.Id} 使用 (this URL is already the address of endpoint {existing.Id}; edit or delete that one).");
        }
        return others.Length;
    }

    /// <summary>
    /// A URL as one address: scheme and host in lower case, the scheme's default port left out (as Uri writes them), and an
    /// empty query (a trailing ?) left out.
    /// </summary>
    private static string SameAddress(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) + (uri.Query.Length > 1 ? uri.Query : "")
            : url;

    private sealed record EndpointUrlRow(Guid Id, string Url);

    /// <summary>
    /// A new secret, shown once; the previous one still signs (as a second signature) for the configured grace period. With
    /// If-Match only from the version named, so a rotation retried with it is a 412, not a second secret.
    /// </summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> RotateSecretAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var current = await GetAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, current.ETag, "回调地址");
        var secret = WebhookSignature.NewSecret();
        var now = clock.GetUtcNow();
        await using (var c = await db.OpenAsync(ct))
        {
            var expected = Preconditions.NamesAVersion(ifMatch) ? current.RowVersion : (int?)null;
            var rotated = await c.ExecuteAsync(db.Command(WebhookSql.RotateSecret,
                new { Id = id, Secret = secret, PreviousUntil = now + options.Value.PreviousSecretValidity, Now = now, ExpectedRowVersion = expected }, ct: ct));
            if (rotated == 0 && expected is not null)
            {
                throw new PreconditionFailedException($"回调地址已被修改或已轮换密钥，请重新获取后再试 (the endpoint changed or its secret was rotated meanwhile; current ETag differs from {ifMatch}).");
            }
        }
        return (await GetAsync(actor, id, ct), secret);
    }

    /// <summary>Deletes the endpoint; with If-Match only the version named.</summary>
    public async Task DeleteAsync(Actor actor, Guid id, string? ifMatch, CancellationToken ct)
    {
        var current = await GetAsync(actor, id, ct);
        Preconditions.CheckIfMatch(ifMatch, current.ETag, "回调地址");
        var expected = Preconditions.NamesAVersion(ifMatch) ? current.RowVersion : (int?)null;
        var now = clock.GetUtcNow();
        await db.InTransactionAsync(async (c, t) =>
        {
            if (await c.ExecuteAsync(db.Command(WebhookSql.DeleteEndpoint, new { Id = id, Now = now, ExpectedRowVersion = expected }, t, ct)) == 0 && expected is not null)
            {
                throw new PreconditionFailedException("回调地址已被修改，请重新获取后再试 (the endpoint changed meanwhile; fetch it again).");
            }
            await c.ExecuteAsync(db.Command(WebhookSql.KillPendingOfEndpoint, new { Id = id, Now = now }, t, ct));
        }, ct);
    }

    public async Task<PagedList<WebhookDelivery>> DeliveriesAsync(Actor actor, Guid endpointId, string? status, int page, int pageSize, CancellationToken ct)
    {
        await GetAsync(actor, endpointId, ct);
        await using var c = await db.OpenAsync(ct);
        var args = new { EndpointId = endpointId, Status = status, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(WebhookSql.CountDeliveriesOfEndpoint, args, ct: ct));
        var rows = await c.QueryAsync<WebhookDelivery>(db.Command(db.Dialect.Page(WebhookSql.DeliveriesOfEndpoint), args, ct: ct));
        return new PagedList<WebhookDelivery>(rows.ToArray(), page, pageSize, total);
    }

    public async Task<WebhookDelivery> DeliveryAsync(Actor actor, Guid endpointId, Guid deliveryId, CancellationToken ct)
    {
        await GetAsync(actor, endpointId, ct);
        await using var c = await db.OpenAsync(ct);
        var delivery = await c.QuerySingleOrDefaultAsync<WebhookDelivery>(db.Command(WebhookSql.DeliveryById, new { Id = deliveryId, EndpointId = endpointId }, ct: ct))
            ?? throw new NotFoundException($"投递 {deliveryId} 不存在 (delivery not found).");
        var attempts = (await c.QueryAsync<WebhookAttempt>(db.Command(WebhookSql.Attempts, new { delivery.Seq }, ct: ct))).ToArray();
        return delivery with { AttemptLog = attempts };
    }

    /// <summary>Sends a dead (or delivered) delivery again from now, with a fresh retry period and the same event id.</summary>
    public async Task<WebhookDelivery> RedeliverAsync(Actor actor, Guid endpointId, Guid deliveryId, CancellationToken ct)
    {
        var endpoint = await GetAsync(actor, endpointId, ct);
        var delivery = await DeliveryAsync(actor, endpointId, deliveryId, ct);
        if (delivery.Status == WebhookDeliveryStatuses.Pending)
        {
            throw new ConflictException("该投递仍在重试中 (the delivery is still pending).");
        }
        if (!endpoint.Active)
        {
            throw new ConflictException("回调地址已停用，请先启用 (the endpoint is inactive; activate it first).");
        }
        var now = clock.GetUtcNow();
        await using (var c = await db.OpenAsync(ct))
        {
            await c.ExecuteAsync(db.Command(WebhookSql.Redeliver, new { Id = deliveryId, EndpointId = endpointId, Now = now, ExpiresAt = now + options.Value.RetryFor }, ct: ct));
        }
        signal?.Poke();
        return await DeliveryAsync(actor, endpointId, deliveryId, ct);
    }

    private static string Join(IEnumerable<string> types) => "," + string.Join(",", types) + ",";

    private (string Url, IReadOnlyList<string> Types, string? Description) Validate(Actor actor, WebhookEndpointInput? input, bool requireAll)
    {
        var v = new Validator();
        if (input is null)
        {
            v.Add("body", "请求体不能为空 (a JSON body is required).");
            v.ThrowIfAny();
        }
        var url = input!.Url?.Trim();
        if (v.Required("url", url))
        {
            if (UrlProblem(url!) is { } problem)
            {
                v.Add("url", problem);
            }
        }
        var types = (input.EventTypes ?? []).Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t!.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (types.Length == 0 && requireAll)
        {
            v.Add("eventTypes", $"至少订阅一种事件 (at least one of: {string.Join(", ", WebhookEventTypes.All.Select(t => t.Code))}).");
        }
        for (var n = 0; n < types.Length; n++)
        {
            var type = WebhookEventTypes.Find(types[n]);
            if (type is null)
            {
                v.Add($"eventTypes[{n}]", $"未知的事件类型 '{types[n]}' (one of: {string.Join(", ", WebhookEventTypes.All.Select(t => t.Code))}).");
            }
            else if (!type.Kinds.Contains(actor.Kind))
            {
                v.Add($"eventTypes[{n}]", $"{actor.Kind.ToCode()} 机构收不到 '{types[n]}' 事件 (sent to {string.Join(", ", type.Kinds.Select(k => k.ToCode()))} only).");
            }
        }
        var description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim();
        v.Text("description", description, DescriptionMax);
        v.ThrowIfAny();
        return (url!, types, description);
    }

    /// <summary>Null when the URL may receive deliveries: absolute, https (http only when allowed), no credentials, not internal unless allowed.</summary>
    public string? UrlProblem(string url)
    {
        if (url.Length > UrlMax)
        {
            return $"最多 {UrlMax} 个字符 (at most {UrlMax} characters).";
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            return "应为完整的 https 地址 (an absolute https:// URL).";
        }
        if (uri.Scheme == Uri.UriSchemeHttp && options.Value.AllowHttp != true)
        {
            return "只接受 https 地址 (https only; http is allowed in Development or when Marketplace:Webhooks:AllowHttp is set).";
        }
        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return "地址中不能包含用户信息或片段 (no user info or fragment).";
        }
        if (options.Value.AllowPrivateNetworks != true)
        {
            var host = ReceiverAddress.NormalizedHost(uri);
            if (IPAddress.TryParse(host, out var ip) ? !ReceiverAddress.IsPublic(ip) : ReceiverAddress.IsLocalName(host))
            {
                return "不能回调内网、本机或保留地址 (only public receivers: no loopback, private, link-local, reserved or special-purpose addresses, and no local or single-label host names).";
            }
        }
        return null;
    }
}
