using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Idempotency;
using Microsoft.AspNetCore.Http.Features;

namespace Marketplace.Api.Http;

/// <summary>
/// <c>Idempotency-Key</c> on POST (draft-ietf-httpapi-idempotency-key-header), for callers with an API key, per organization
/// and key: the first request with a key runs and its answer is kept (<see cref="IdempotencyStore"/>); a retry with the same
/// key and the same request (method, path, query, If-Match, Content-Type, body) gets that answer again with <c>Idempotent-Replayed: true</c> and runs
/// nothing; the same key with another request is a 422, and while the first still runs a 409 with <c>Retry-After: 1</c>.
/// Runs after authorization (a refused request records nothing); <see cref="IdempotentResponseRecorder"/>, outside the
/// exception handler, keeps the answer. A request with a key runs to its end even when its client goes away (it is what the
/// client's retry will be answered with).
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next, IHostApplicationLifetime lifetime)
{
    public const string HeaderName = "Idempotency-Key";

    public const string ReplayedHeader = "Idempotent-Replayed";

    public async Task InvokeAsync(HttpContext context, IdempotencyStore store)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !context.Request.Headers.TryGetValue(HeaderName, out var values)
            || context.GetEndpoint() is not { } endpoint)
        {
            await next(context);
            return;
        }
        var key = values.Count == 1 ? values[0] ?? "" : null;
        if (key is null || !IsValidKey(key))
        {
            await RefuseAsync(context, key is null
                ? $"只能发送一个 {HeaderName} (send one {HeaderName} header)."
                : $"{HeaderName} 须为 1–{IdempotencyStore.KeyMax} 个可打印 ASCII 字符 (the {HeaderName} header must be 1–{IdempotencyStore.KeyMax} printable ASCII characters).");
            return;
        }
        if (endpoint.Metadata.GetMetadata<NoIdempotencyMetadata>() is not null)
        {
            await RefuseAsync(context, $"此操作不支持 {HeaderName}：其应答含有只显示一次的密钥，不会保存 " +
                $"(this operation does not support {HeaderName}: its answer carries a secret shown once, which is never stored).");
            return;
        }
        if (context.User.FindActor() is not { } actor)
        {
            await RefuseAsync(context, $"{HeaderName} 需要 API key：键按机构保存 ({HeaderName} needs an API key: keys are kept per organization).");
            return;
        }

        var fingerprint = await FingerprintAsync(context.Request, context.RequestAborted);
        var claim = await store.BeginAsync(actor.OrganizationId, key, fingerprint, context.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyState.Completed:
                await ReplayAsync(context, claim.Response!);
                return;
            case IdempotencyState.Mismatch:
                await Problems.WriteAsync(context, StatusCodes.Status422UnprocessableEntity, "Idempotency-Key 已被使用 (idempotency key reused)",
                    $"{HeaderName} 已用于另一个请求（方法、路径、查询参数、If-Match、Content-Type 或请求体不同）；新的请求请使用新的键 " +
                    $"(this {HeaderName} was already used for a different request: another method, path, query, If-Match, Content-Type or body; use a new key for a new request).");
                return;
            case IdempotencyState.InProgress:
                context.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(context, StatusCodes.Status409Conflict, Problems.ConflictTitle,
                    $"使用该 {HeaderName} 的请求仍在处理中，请稍后重试 (a request with this {HeaderName} is still being processed; retry shortly).");
                return;
        }

        var recording = new IdempotencyRecording(actor.OrganizationId, key);
        context.Features.Set(recording);
        context.Features.Set<IHttpResponseBodyFeature>(recording.Body);
        context.RequestAborted = lifetime.ApplicationStopping;
        // Not restored on the way out: the exception handler and the status-code pages outside write into the buffer too.
        await next(context);
    }

    /// <summary>1–255 printable ASCII characters (space to tilde), compared as sent.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is >= 1 and <= IdempotencyStore.KeyMax && key.All(c => c is >= ' ' and <= '~');

    /// <summary>SHA-256 of the method, path, query, If-Match, Content-Type and body, in hex: what "the same request" means for a key.</summary>
    public static async Task<string> FingerprintAsync(HttpRequest request, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The headers that decide the answer as much as the body does: a retry that corrects them is another request.
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.PathBase}{request.Path}{request.QueryString}\n" +
            $"If-Match: {request.Headers.IfMatch}\nContent-Type: {request.ContentType}\n"));
        request.EnableBuffering();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static Task RefuseAsync(HttpContext context, string message) =>
        Problems.WriteAsync(context, StatusCodes.Status400BadRequest, Problems.BadRequestTitle, message,
            new Dictionary<string, string[]> { [HeaderName] = [message] });

    private static async Task ReplayAsync(HttpContext context, IdempotentResponse response)
    {
        context.Response.StatusCode = response.StatusCode;
        if (response.ContentType is not null)
        {
            context.Response.ContentType = response.ContentType;
        }
        if (response.Location is not null)
        {
            context.Response.Headers.Location = response.Location;
        }
        if (response.ETag is not null)
        {
            context.Response.Headers.ETag = response.ETag;
        }
        context.Response.Headers[ReplayedHeader] = "true";
        await context.Response.Body.WriteAsync(response.Body, context.RequestAborted);
    }
}

/// <summary>A request that began an idempotency record: whose key, and the buffer its answer is written into.</summary>
public sealed class IdempotencyRecording(Guid organizationId, string key)
{
    public Guid OrganizationId { get; } = organizationId;

    public string Key { get; } = key;

    public MemoryStream Buffer { get; } = new();

    private StreamResponseBodyFeature? _body;

    public StreamResponseBodyFeature Body => _body ??= new StreamResponseBodyFeature(Buffer);
}

/// <summary>
/// Keeps the answer of a request that began an idempotency record (<see cref="IdempotencyMiddleware"/>), then sends it.
/// Placed outside the exception handler, so an error it writes (a 404, a validation 400) is the answer kept, byte for byte
/// (its correlationId is the first request's). Kept: every answer below 500 except 405, 408 and 429; a 5xx or a request that ended in an exception
/// deletes the record, so a retry runs again.
/// </summary>
public sealed class IdempotentResponseRecorder(RequestDelegate next, ILogger<IdempotentResponseRecorder> logger)
{
    public async Task InvokeAsync(HttpContext context, IdempotencyStore store)
    {
        var body = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        try
        {
            await next(context);
        }
        catch when (context.Features.Get<IdempotencyRecording>() is { } failed)
        {
            context.Features.Set(body);
            await AbandonAsync(store, failed);
            throw;
        }
        if (context.Features.Get<IdempotencyRecording>() is not { } recording)
        {
            return;
        }
        await recording.Body.CompleteAsync();
        context.Features.Set(body);
        var status = context.Response.StatusCode;
        var bytes = recording.Buffer.ToArray();
        // 405 answers a route, not the request (its Allow header is not kept): nothing to replay.
        if (status < 500 && status is not (StatusCodes.Status405MethodNotAllowed or StatusCodes.Status408RequestTimeout or StatusCodes.Status429TooManyRequests))
        {
            var headers = context.Response.Headers;
            var answer = new IdempotentResponse(status, context.Response.ContentType, NullIfEmpty(headers.Location), NullIfEmpty(headers.ETag), bytes);
            try
            {
                // Whatever the client does meanwhile: its retry must find the answer.
                await store.CompleteAsync(recording.OrganizationId, recording.Key, answer, CancellationToken.None);
            }
            catch (Exception e)
            {
                // The record stays in progress: retries are answered 409 until it expires rather than run the request twice.
                logger.LogError(e, "The answer to a request with Idempotency-Key could not be kept; retries with the key get 409 until it expires");
            }
        }
        else
        {
            await AbandonAsync(store, recording);
        }
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted);
    }

    private async Task AbandonAsync(IdempotencyStore store, IdempotencyRecording recording)
    {
        try
        {
            await store.AbandonAsync(recording.OrganizationId, recording.Key, CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogError(e, "A failed request's Idempotency-Key record could not be deleted; retries with the key get 409 until it expires");
        }
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 ? null : value.ToString();
}

/// <summary>Endpoint metadata: the operation refuses <c>Idempotency-Key</c> (its answer carries a secret that must not be stored).</summary>
public sealed class NoIdempotencyMetadata;
