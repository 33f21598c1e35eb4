using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marketplace.Core.Common;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Http;

/// <summary>Writes RFC 9457 problem details; the one place that maps errors to status codes.</summary>
public static class Problems
{
    public const string UnauthorizedTitle = "未认证 (unauthorized)";

    public const string ForbiddenTitle = "无权限 (forbidden)";

    /// <summary>A request the API could not read (a value of the wrong type, a malformed body or header).</summary>
    public const string BadRequestTitle = "请求参数有误 (bad request)";

    /// <summary>A request read, with fields that break the rules (field-level messages in <c>errors</c>).</summary>
    public const string ValidationTitle = "请求参数有误 (validation failed)";

    public const string NotFoundTitle = "未找到 (not found)";

    public const string ConflictTitle = "状态冲突 (conflict)";

    public const string UnsupportedMediaTypeTitle = "不支持的内容类型 (unsupported media type)";

    /// <summary>What a 415 says for an endpoint that reads a JSON body.</summary>
    public const string JsonBodyRequired = "请求体须为 application/json (send Content-Type: application/json).";

    /// <summary>
    /// What a 415 says: the media types the endpoint accepts (its <see cref="IAcceptsMetadata"/>). Routing answers another
    /// type with an endpoint of its own that carries none, so the endpoints of the request's method and path are looked up.
    /// </summary>
    public static string UnsupportedMediaTypeDetail(HttpContext context)
    {
        IEnumerable<Endpoint> endpoints = context.GetEndpoint() is { } current && current.Metadata.GetMetadata<IAcceptsMetadata>() is not null
            ? [current]
            : context.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains(context.Request.Method, StringComparer.OrdinalIgnoreCase) == true
                    && new TemplateMatcher(new RouteTemplate(e.RoutePattern), new RouteValueDictionary(e.RoutePattern.Defaults)).TryMatch(context.Request.Path, []));
        var types = endpoints.SelectMany(e => e.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes ?? []).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        if (types is [] or ["application/json"])
        {
            return JsonBodyRequired;
        }
        var list = string.Join(", ", types);
        return $"请求体的 Content-Type 须为以下之一：{list} (send Content-Type: one of {list}).";
    }

    public const string PreconditionFailedTitle = "版本不一致 (precondition failed)";

    public const string PayloadTooLargeTitle = "请求体过大 (payload too large)";

    public const string InternalErrorTitle = "服务器内部错误 (internal server error)";

    /// <summary>The 401 detail when no key was sent.</summary>
    public static readonly string MissingKeyDetail = $"需要 {ApiKeyAuthenticationHandler.HeaderName} 请求头 (send your API key in the {ApiKeyAuthenticationHandler.HeaderName} header).";

    /// <summary>
    /// A problem the framework wrote (an unknown route, a method the route does not take) in the API's own words: the
    /// same `type` as every other problem, a title in Chinese with English, and a detail saying what was asked.
    /// </summary>
    public static void DescribeFrameworkProblem(ProblemDetails problem, HttpContext context)
    {
        if (problem.Type is { } type && !type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
        {
            return;
        }
        var request = $"{context.Request.Method} {context.Request.Path}";
        (problem.Title, problem.Detail) = problem.Status switch
        {
            StatusCodes.Status404NotFound => (NotFoundTitle, problem.Detail ?? $"没有这个接口：{request}（接口列表见 /openapi/v1.json） (no such endpoint; see /openapi/v1.json)."),
            StatusCodes.Status405MethodNotAllowed => ("不支持该方法 (method not allowed)",
                problem.Detail ?? $"{context.Request.Path} 不支持 {context.Request.Method}，可用：{context.Response.Headers.Allow} (allowed: {context.Response.Headers.Allow})."),
            StatusCodes.Status400BadRequest => (BadRequestTitle, problem.Detail),
            // Routing answers an endpoint's other media types itself (IAcceptsMetadata: a JSON body, an uploaded file).
            StatusCodes.Status415UnsupportedMediaType => (UnsupportedMediaTypeTitle, problem.Detail ?? UnsupportedMediaTypeDetail(context)),
            StatusCodes.Status500InternalServerError => (InternalErrorTitle, problem.Detail ?? "请稍后重试；报告问题时请附上 correlationId (retry later; quote the correlationId when reporting it)."),
            _ => (problem.Title, problem.Detail),
        };
        if (problem.Status is { } status)
        {
            problem.Type = $"https://httpstatuses.io/{status}";
        }
    }

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
public sealed partial class ProblemDetailsExceptionHandler(ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var (status, title, detail, errors) = exception switch
        {
            ValidationException v => (400, Problems.ValidationTitle, v.Message, v.Errors.ToDictionary(e => e.Key, e => e.Value)),
            InvalidSearchRequestException s => (400, Problems.ValidationTitle, s.Message, new Dictionary<string, string[]> { [s.Field] = [s.Message] }),
            SearchIndexUnavailableException u => (503, "搜索服务暂不可用 (search unavailable)", u.Message, null),
            _ when StorageErrors.IsTransient(exception) => (503, "存储服务繁忙 (storage busy)",
                "数据库繁忙或暂时无法访问，请稍后重试 (the database is busy or unreachable; retry shortly).", null),
            _ when StorageErrors.IsOutOfSpace(exception) => (503, "存储空间不足 (storage full)",
                "数据库存储空间已满，本次修改未保存；请稍后重试，并通知平台运维 (the database is out of space and nothing was saved; retry later and tell the platform's operators).", null),
            NotFoundException n => (404, Problems.NotFoundTitle, n.Message, null),
            ConflictException c => (409, Problems.ConflictTitle, c.Message, null),
            ForbiddenException f => (403, Problems.ForbiddenTitle, f.Message, null),
            PayloadTooLargeException l => (413, Problems.PayloadTooLargeTitle, l.Message, null),
            TooManyInProgressException => (429, "任务过多 (too many in progress)", exception.Message, null),
            // A write that lost a race to a concurrent change fails no precondition the caller set unless it named a version.
            PreconditionFailedException p when !Preconditions.NamesAVersion(IfMatch(context.Request)) => (409, Problems.ConflictTitle, p.Message, null),
            PreconditionFailedException p => (412, Problems.PreconditionFailedTitle, p.Message, null),
            PreconditionRequiredException p => (428, "需要 If-Match (precondition required)", p.Message, null),
            BadHttpRequestException b => BadRequest(context, b),
            InvalidOperationException when HasUnknownCharset(context.Request) => (415, Problems.UnsupportedMediaTypeTitle,
                "请求体须为 UTF-8 编码的 JSON (send the body as JSON in UTF-8: Content-Type: application/json; charset=utf-8).", null),
            UnauthorizedAccessException => (401, Problems.UnauthorizedTitle, Problems.MissingKeyDetail, null),
            _ when StorageErrors.IsUniqueViolation(exception) => (409, Problems.ConflictTitle,
                "与同时提交的另一请求冲突，该记录已存在；请重新获取后再试 (another request made the same record at the same time; fetch it again).", null),
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
            title = Problems.InternalErrorTitle;
            detail = "请求处理失败，请稍后重试并提供 correlation id (the request failed; retry later and quote the correlation id).";
        }
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // An engine's or a database's failure is logged; an index being rebuilt is logged once, by the rebuild.
            var cause = exception is SearchIndexUnavailableException ? exception.InnerException : exception;
            var outOfSpace = StorageErrors.IsOutOfSpace(exception);
            if (cause is not null)
            {
                // A full disk needs an operator; a busy store passes by itself.
                logger.Log(outOfSpace ? LogLevel.Error : LogLevel.Warning, cause, "{Title} on {Method} {Path}", title, context.Request.Method, context.Request.Path);
            }
            context.Response.Headers.RetryAfter = outOfSpace ? "60" : "5";
        }
        if (exception is TooManyInProgressException busy)
        {
            context.Response.Headers.RetryAfter = busy.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        }
        await Problems.WriteAsync(context, status, title, detail, errors);
        return true;
    }

    private static string? IfMatch(HttpRequest request) => request.Headers.IfMatch.Count == 0 ? null : request.Headers.IfMatch.ToString();

    /// <summary>A body declared in a charset this server cannot decode (gbk, made-up names): the JSON reader refuses it.</summary>
    private static bool HasUnknownCharset(HttpRequest request)
    {
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Length == 0)
        {
            return false;
        }
        try
        {
            System.Text.Encoding.GetEncoding(type.Charset.ToString());
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static (int, string, string, Dictionary<string, string[]>?) BadRequest(HttpContext context, BadHttpRequestException exception)
    {
        // 413 (a body over the limit while it is read) is answered by RequestSizeLimitMiddleware, which knows the limit.
        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return (415, Problems.UnsupportedMediaTypeTitle, Problems.UnsupportedMediaTypeDetail(context), null);
        }
        if (exception.InnerException is JsonException json)
        {
            var field = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "body" : json.Path.TrimStart('$', '.');
            var message = json.Path is null
                ? "JSON 格式错误 (malformed JSON)."
                : json.Message.Contains("Duplicate", StringComparison.Ordinal)
                    ? $"字段重复出现 (the field appears twice at {json.Path})."
                    : $"JSON 格式错误或类型不符 (malformed JSON or wrong type at {json.Path}).";
            return (400, "请求体无法解析 (malformed request body)", message, new Dictionary<string, string[]> { [field] = [message] });
        }
        if (ParameterFailure().Match(exception.Message) is { Success: true } failure)
        {
            return ParameterProblem(context, failure);
        }
        return (exception.StatusCode, Problems.BadRequestTitle, exception.Message, null);
    }

    /// <summary>
    /// A route, query or header parameter that did not bind. The framework's message names it as "CLR type, name"
    /// (<c>Failed to bind parameter "Nullable&lt;int&gt; pageSize" from "abc".</c>, <c>Required parameter "int year" was not
    /// provided from query string.</c>); the answer names the parameter as the client sends it, and says what its value must
    /// be by the handler parameter's declared type.
    /// </summary>
    private static (int, string, string, Dictionary<string, string[]>?) ParameterProblem(HttpContext context, Match failure)
    {
        var name = failure.Groups["name"].Value;
        var parameters = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [];
        var parameter = parameters.FirstOrDefault(p => p.Name == name);
        var field = parameter is null ? name : HandlerParameters.WireName(parameter);
        // The framework stops at the first parameter that does not bind; the answer names every other bad one as well.
        var errors = HandlerParameters.BadQueryValues(context, parameters, except: parameter);
        if (failure.Groups["required"].Success)
        {
            errors[field] = ["必填 (required)."];
            return (400, Problems.BadRequestTitle, $"缺少必填参数 {field} (the required parameter {field} was not provided).", errors);
        }
        var value = failure.Groups["value"].Value;
        var (zh, en) = HandlerParameters.ExpectedValue(parameter?.ParameterType, value);
        value = value.Length > 50 ? value[..50] + "…" : value;
        var detail = failure.Groups["value"].Success
            ? $"参数 {field} 的值 \"{value}\" 无效：{zh} (the value \"{value}\" of {field} is invalid: {en})."
            : $"参数 {field} 无效：{zh} ({field} is invalid: {en}).";
        errors[field] = [$"{zh} ({en})"];
        return (400, Problems.BadRequestTitle, detail, errors);
    }

    [GeneratedRegex("""^(?:Failed to (?:bind|read)|(?<required>Required)) parameter "(?:[^"]* )?(?<name>[^" ]+)"(?: from "(?<value>.*)"\.$)?""", RegexOptions.Singleline)]
    private static partial Regex ParameterFailure();
}

/// <summary>
/// Writes problem details as JSON whatever the request's <c>Accept</c> says (text/html, application/xml …): the default
/// writer declines those, and an error would otherwise end as an empty 500. Registered after the default writer, so it
/// only answers what that one declines.
/// </summary>
public sealed class FallbackProblemDetailsWriter(IOptions<ProblemDetailsOptions> options, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json) : IProblemDetailsWriter
{
    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        options.Value.CustomizeProblemDetails?.Invoke(context);
        var problem = context.ProblemDetails;
        return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(problem, problem.GetType(), json.Value.SerializerOptions, "application/problem+json"));
    }
}
