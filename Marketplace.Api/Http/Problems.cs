using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Searching;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Marketplace.Api.Http;

/// <summary>Writes RFC 9457 problem details; the one place that maps errors to status codes.</summary>
public static class Problems
{
    /// <summary>Every 401 the API gives is written here, so every one carries the <c>WWW-Authenticate</c> challenge.</summary>
    public static Task WriteAsync(HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = ApiKeyAuthenticationHandler.Challenge;
        }
        var problem = errors is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Type = $"https://httpstatuses.io/{status}";
        context.Response.StatusCode = status;
        var service = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return service.WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}

/// <summary>Maps domain errors and request-binding errors to problem details; anything else is a 500 without internals.</summary>
public sealed class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, errors) = exception switch
        {
            ValidationException v => (400, "请求参数有误 (validation failed)", v.Message, v.Errors.ToDictionary(e => e.Key, e => e.Value)),
            InvalidSearchRequestException s => (400, "请求参数有误 (validation failed)", s.Message, new Dictionary<string, string[]> { [s.Field] = [s.Message] }),
            SearchIndexUnavailableException u => (503, "搜索服务暂不可用 (search unavailable)", u.Message, null),
            NotFoundException n => (404, "未找到 (not found)", n.Message, null),
            ConflictException c => (409, "状态冲突 (conflict)", c.Message, null),
            ForbiddenException f => (403, "无权限 (forbidden)", f.Message, null),
            UnsupportedMediaTypeException u => (415, "不支持的内容类型 (unsupported media type)", u.Message, null),
            PayloadTooLargeException l => (413, "请求体过大 (payload too large)", l.Message, null),
            PreconditionFailedException p => (412, "版本不一致 (precondition failed)", p.Message, null),
            PreconditionRequiredException p => (428, "需要 If-Match (precondition required)", p.Message, null),
            BadHttpRequestException b => BadRequest(b),
            UnauthorizedAccessException => (401, "未认证 (unauthorized)", "需要 X-Api-Key 请求头 (send your API key in the X-Api-Key header).", null),
            _ => (0, "", "", null),
        };
        if (status == 0)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                return false;
            }
            logger.LogError(exception, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            status = 500;
            title = "服务器内部错误 (internal error)";
            detail = "请求处理失败，请稍后重试并提供 correlation id (the request failed; retry later and quote the correlation id).";
        }
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "5";
        }
        await Problems.WriteAsync(context, status, title, detail, errors);
        return true;
    }

    private static (int, string, string, Dictionary<string, string[]>?) BadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (413, "请求体过大 (payload too large)", exception.Message, null);
        }
        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (415, "不支持的内容类型 (unsupported media type)", "请求体须为 application/json (send Content-Type: application/json).", null);
        }
        if (exception.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            var message = json.Path is null
                ? "JSON 格式错误 (malformed JSON)."
                : $"JSON 格式错误或类型不符 (malformed JSON or wrong type at {json.Path}).";
            return (400, "请求体无法解析 (malformed request body)", message, new Dictionary<string, string[]> { [field] = [message] });
        }
        // Route/query binding failures: the message names the parameter and the value, never internals.
        return (exception.StatusCode, "请求参数有误 (bad request)", exception.Message, null);
    }
}
