using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using System.Text.Json;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Leasing;
using Marketplace.Core.Webhooks;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Webhooks;

/// <param name="Url">Where deliveries are POSTed: https (http only in Development or when configured), no credentials in the URL.</param>
/// <param name="EventTypes">The event types to receive; each must be one your organization's kind receives (see GET /api/v1/webhooks/event-types).</param>
/// <param name="Description">Optional note (≤ 200 characters).</param>
/// <param name="Active">PUT only: false pauses deliveries (they wait, and die after their retry period).</param>
public sealed record WebhookEndpointRequest(
    [Required, MaxLength(WebhookStore.UrlMax)] string? Url,
    [Required, CodeList(CodeList.WebhookEventTypes)] IReadOnlyList<string>? EventTypes,
    [MaxLength(WebhookStore.DescriptionMax)] string? Description,
    bool? Active)
{
    public WebhookEndpointInput ToInput() => new(Url, EventTypes, Description, Active);
}

/// <param name="SecretRotatedUntil">After a rotation, deliveries also carry a signature with the previous secret until then.</param>
public sealed record WebhookEndpointResponse(Guid Id, string Url, string? Description, IReadOnlyList<string> EventTypes, bool Active,
    DateTimeOffset? SecretRotatedUntil, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static WebhookEndpointResponse From(WebhookEndpoint e) =>
        new(e.Id, e.Url, e.Description, e.Types, e.Active, e.PreviousSecretUntil, e.CreatedAt, e.UpdatedAt);
}

/// <param name="Secret">The signing secret, shown only in this response (store it; rotate it to get a new one).</param>
public sealed record WebhookSecretResponse(WebhookEndpointResponse Endpoint, string Secret);

public sealed record WebhookEventTypeResponse(string Code, string Description, IReadOnlyList<string> OrganizationKinds);

/// <param name="Node">The API node that made the attempt, by an alias stable per process (the operator's log maps it to the machine).</param>
public sealed record WebhookAttemptResponse(int Attempt, DateTimeOffset At, string Node, int? StatusCode, string? Error, int DurationMs);

/// <param name="EventId">The idempotency id: the same on every attempt and redelivery.</param>
/// <param name="Status">pending (being retried), delivered, or dead (the dead-letter state: redeliver it).</param>
/// <param name="Payload">Single reads only: the JSON body sent.</param>
public sealed record WebhookDeliveryResponse(
    Guid Id,
    Guid EventId,
    string EventType,
    DateTimeOffset OccurredAt,
    string Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? LastAttemptAt,
    int? LastStatusCode,
    string? LastError,
    DateTimeOffset? DeliveredAt,
    DateTimeOffset? DeadAt,
    JsonElement? Payload,
    IReadOnlyList<WebhookAttemptResponse>? AttemptLog)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d, bool detail) => new(d.Id, d.EventId, d.EventType, d.OccurredAt, d.Status, d.Attempts,
        d.Status == WebhookDeliveryStatuses.Pending ? d.NextAttemptAt : null, d.ExpiresAt, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt, d.DeadAt,
        detail && d.Payload is not null ? JsonDocument.Parse(d.Payload).RootElement.Clone() : null,
        detail ? d.AttemptLog.Select(a => new WebhookAttemptResponse(a.Attempt, a.At, LeaseHolder.AliasOf(a.Holder), a.StatusCode, a.Error, a.DurationMs)).ToArray() : null);
}

public static class WebhooksApi
{
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks").WithTags("Webhooks").RequireAuthorization();

        group.MapGet("/event-types", EventTypes)
            .WithName("ListWebhookEventTypes")
            .WithSummary("可订阅的事件类型 (event types)")
            .WithDescription("Each event type and the organization kinds that receive it. The payload of each is in the document's `webhooks` section.")
            .WithAuthProblems();

        group.MapPost("/", Create)
            .WithName("CreateWebhookEndpoint")
            .ProducesETag()
            .WithSummary("登记回调地址 (register an endpoint)")
            .WithDescription("""
                Registers an endpoint of the caller's organization for some event types. The answer carries the signing `secret`, shown only here.
                Every delivery is a POST of the event's JSON with headers X-Marketplace-Event-Id (the idempotency id, the same on every retry),
                X-Marketplace-Event-Type, X-Marketplace-Timestamp (Unix seconds), X-Marketplace-Delivery-Attempt and
                X-Marketplace-Signature: `v1=` hex HMAC-SHA256 of `{timestamp}.{body}` with the secret. Any 2xx acknowledges; anything else
                (or no answer within the attempt timeout) is retried with exponential back-off for a day, then the delivery is dead (inspect and redeliver it).
                At most 20 endpoints per organization (409), and one per URL (409 naming the endpoint that has it; scheme and host compared in any case, the default port as none):
                a registration retried after a lost answer is refused rather than delivering every event twice (rotate that endpoint's secret for a new one).
                """)
            .WithAuthProblems().WithProblems(400, 409, 413, 415)
            .WithoutIdempotency();

        group.MapGet("/", List)
            .WithName("ListWebhookEndpoints")
            .WithSummary("回调地址列表 (your endpoints)")
            .WithDescription("The caller's organization's endpoints (never their secrets).")
            .WithAuthProblems();

        group.MapGet("/{id}", Get)
            .WithName("GetWebhookEndpoint")
            .ProducesETag()
            .WithSummary("回调地址详情 (read an endpoint)")
            .WithDescription("The owning organization only (404 for anyone else). The ETag header is the value If-Match expects; If-None-Match naming it is answered 304 Not Modified while it is current.")
            .WithAuthProblems().WithProblems(404);

        group.MapPut("/{id}", Update)
            .WithName("UpdateWebhookEndpoint")
            .ProducesETag()
            .WithSummary("修改回调地址 (edit an endpoint)")
            .WithDescription("URL, event types, description and `active` (false pauses deliveries). If-Match is required (428 without it, 412 when stale). A new URL another endpoint of the organization has is a 409.")
            .WithAuthProblems().WithProblems(400, 404, 409, 412, 413, 415, 428);

        group.MapDelete("/{id}", Delete)
            .WithName("DeleteWebhookEndpoint")
            .WithSummary("删除回调地址 (delete an endpoint)")
            .WithDescription("Deliveries stop; the undelivered ones end as dead. If-Match is optional and checked when sent (412 when stale).")
            .WithAuthProblems().WithProblems(404, 412);

        group.MapPost("/{id}/rotate-secret", Rotate)
            .WithName("RotateWebhookSecret")
            .ProducesETag()
            .WithSummary("轮换签名密钥 (rotate the secret)")
            .WithDescription("A new secret, shown only in this answer. For a grace period (a day by default) deliveries carry a second `v1=` signature made with the previous secret, so receivers can switch without losing events. Send If-Match (the endpoint's ETag) to rotate once: a second rotation sent with the same ETag, a retry or a double click, is a 412 and hands out no secret that the first one's would replace (without If-Match every call rotates again).")
            .WithAuthProblems().WithProblems(404, 412)
            .WithoutIdempotency();

        group.MapGet("/{id}/deliveries", Deliveries)
            .WithName("ListWebhookDeliveries")
            .WithSummary("投递记录 (deliveries of an endpoint)")
            .WithDescription("Newest first, paged (pageSize ≤ 100); `status=dead` lists the dead letters.")
            .WithAuthProblems().WithProblems(400, 404);

        group.MapGet("/{id}/deliveries/{deliveryId}", Delivery)
            .WithName("GetWebhookDelivery")
            .WithSummary("投递详情 (one delivery with its attempts)")
            .WithDescription("The payload sent and every attempt: when, from which node, the receiver's status code or the error, how long it took.")
            .WithAuthProblems().WithProblems(404);

        group.MapPost("/{id}/deliveries/{deliveryId}/redeliver", Redeliver)
            .WithName("RedeliverWebhook")
            .WithSummary("重新投递 (redeliver)")
            .WithDescription("Sends a dead (or delivered) delivery again from now, with a fresh retry period and the same event id. 409 while it is still pending or when the endpoint is inactive.")
            .WithAuthProblems().WithProblems(404, 409);
        return app;
    }

    private static Ok<IReadOnlyList<WebhookEventTypeResponse>> EventTypes() =>
        TypedResults.Ok<IReadOnlyList<WebhookEventTypeResponse>>(WebhookEventTypes.All
            .Select(t => new WebhookEventTypeResponse(t.Code, t.Description, t.Kinds.Select(k => k.ToCode()).ToArray())).ToArray());

    private static async Task<Created<WebhookSecretResponse>> Create(WebhookEndpointRequest? request, ClaimsPrincipal user, WebhookStore store, HttpContext context, CancellationToken ct)
    {
        var (endpoint, secret) = await store.CreateAsync(user.GetActor(), request?.ToInput(), ct);
        context.Response.Headers.ETag = endpoint.ETag;
        return TypedResults.Created($"/api/v1/webhooks/{endpoint.Id}", new WebhookSecretResponse(WebhookEndpointResponse.From(endpoint), secret));
    }

    private static async Task<Ok<IReadOnlyList<WebhookEndpointResponse>>> List(ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok<IReadOnlyList<WebhookEndpointResponse>>((await store.ListAsync(user.GetActor(), ct)).Select(WebhookEndpointResponse.From).ToArray());

    private static async Task<Results<Ok<WebhookEndpointResponse>, NotModified>> Get(Guid id, ClaimsPrincipal user, WebhookStore store, HttpContext context,
        [FromHeader(Name = "If-None-Match")] string? ifNoneMatch, CancellationToken ct)
    {
        var endpoint = await store.GetAsync(user.GetActor(), id, ct);
        if (NotModified.When(ifNoneMatch, endpoint.ETag) is { } unchanged)
        {
            return unchanged;
        }
        context.Response.Headers.ETag = endpoint.ETag;
        return TypedResults.Ok(WebhookEndpointResponse.From(endpoint));
    }

    private static async Task<Ok<WebhookEndpointResponse>> Update(Guid id, WebhookEndpointRequest? request, ClaimsPrincipal user, WebhookStore store, HttpContext context,
        [FromHeader(Name = "If-Match"), Required] string? ifMatch, CancellationToken ct)
    {
        var endpoint = await store.UpdateAsync(user.GetActor(), id, ifMatch, request?.ToInput(), ct);
        context.Response.Headers.ETag = endpoint.ETag;
        return TypedResults.Ok(WebhookEndpointResponse.From(endpoint));
    }

    private static async Task<NoContent> Delete(Guid id, ClaimsPrincipal user, WebhookStore store, [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        await store.DeleteAsync(user.GetActor(), id, ifMatch, ct);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<WebhookSecretResponse>> Rotate(Guid id, ClaimsPrincipal user, WebhookStore store, HttpContext context,
        [FromHeader(Name = "If-Match")] string? ifMatch, CancellationToken ct)
    {
        var (endpoint, secret) = await store.RotateSecretAsync(user.GetActor(), id, ifMatch, ct);
        context.Response.Headers.ETag = endpoint.ETag;
        return TypedResults.Ok(new WebhookSecretResponse(WebhookEndpointResponse.From(endpoint), secret));
    }

    private static async Task<Ok<PagedList<WebhookDeliveryResponse>>> Deliveries(Guid id, [CodeList(CodeList.WebhookDeliveryStatuses)] string? status,
        [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, ClaimsPrincipal user, WebhookStore store, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        if (status is not null && !WebhookDeliveryStatuses.Codes.Contains(status))
        {
            v.Add("status", $"未知的状态 '{status}' (one of: {string.Join(", ", WebhookDeliveryStatuses.Codes)}).");
        }
        v.ThrowIfAny();
        var result = await store.DeliveriesAsync(user.GetActor(), id, status, p, size, ct);
        return TypedResults.Ok(result.Map(d => WebhookDeliveryResponse.From(d, detail: false)));
    }

    private static async Task<Ok<WebhookDeliveryResponse>> Delivery(Guid id, Guid deliveryId, ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok(WebhookDeliveryResponse.From(await store.DeliveryAsync(user.GetActor(), id, deliveryId, ct), detail: true));

    private static async Task<Ok<WebhookDeliveryResponse>> Redeliver(Guid id, Guid deliveryId, ClaimsPrincipal user, WebhookStore store, CancellationToken ct) =>
        TypedResults.Ok(WebhookDeliveryResponse.From(await store.RedeliverAsync(user.GetActor(), id, deliveryId, ct), detail: true));
}
