using Elastic.Transport;
using Elastic.Transport.Products.Elasticsearch;

namespace Marketplace.Search.Elasticsearch;

/// <summary>
/// An Elasticsearch request that failed: the server answered with an error status, an item of a
/// bulk request was rejected, or the node could not be reached (<see cref="StatusCode"/> null).
/// <see cref="IsTransient"/> tells a retry policy whether trying again can help.
/// </summary>
public sealed class ElasticsearchRequestException : Exception
{
    public ElasticsearchRequestException(string operation, int? statusCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Operation = operation;
        StatusCode = statusCode;
    }

    /// <summary>What the engine was doing, e.g. "bulk", "search", "create index".</summary>
    public string Operation { get; }

    /// <summary>HTTP status of the failed call or bulk item; null when no answer came back.</summary>
    public int? StatusCode { get; }

    /// <summary>No answer (connection refused, timeout), 408, 429 or 5xx.</summary>
    public bool IsTransient => StatusCode is null or 408 or 429 or >= 500;

    internal static ElasticsearchRequestException From(string operation, ElasticsearchResponse response)
    {
        var details = response.ApiCallDetails;
        var status = details?.HttpStatusCode;
        var error = response.ElasticsearchServerError?.Error;
        var reason = error is null ? details?.OriginalException?.Message ?? "no response" : $"{error.Type}: {error.Reason}";
        return new ElasticsearchRequestException(
            operation,
            status,
            $"Elasticsearch {operation} failed (HTTP {status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}): {reason}",
            details?.OriginalException);
    }

    internal static ElasticsearchRequestException From(string operation, TransportException exception)
    {
        var status = exception.ApiCallDetails?.HttpStatusCode;
        return new ElasticsearchRequestException(
            operation,
            status,
            $"Elasticsearch {operation} failed ({exception.FailureReason?.ToString() ?? "transport error"}): {exception.Message}",
            exception);
    }
}
