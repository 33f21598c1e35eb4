using Marketplace.Api.Hosting.OpenApi;

namespace Marketplace.Api.Http;

public static class EndpointConventions
{
    /// <summary>Declares the problem responses an endpoint can give, so the OpenAPI document lists them all.</summary>
    public static RouteHandlerBuilder WithProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        foreach (var status in statuses)
        {
            builder.ProducesProblem(status);
        }
        return builder;
    }

    /// <summary>401 and 403 for endpoints behind an API key.</summary>
    public static RouteHandlerBuilder WithAuthProblems(this RouteHandlerBuilder builder) =>
        builder.WithProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);

    /// <summary>The endpoint's success responses carry the resource's ETag (the value If-Match expects); the document declares it.</summary>
    public static RouteHandlerBuilder ProducesETag(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new ETagMetadata());

    /// <summary>
    /// The endpoint answers a file to save (<c>TypedResults.Stream</c> with a download name): bytes in one of
    /// <paramref name="contentTypes"/>, named by <c>Content-Disposition</c>; the document declares both.
    /// </summary>
    public static RouteHandlerBuilder ProducesFile(this RouteHandlerBuilder builder, string contentType, params string[] additionalContentTypes) =>
        builder.Produces(StatusCodes.Status200OK, typeof(Stream), contentType, additionalContentTypes).WithMetadata(new FileDownloadMetadata());

    /// <summary>
    /// The endpoint's answer carries a secret shown once (an API key, a signing secret): a request with
    /// <c>Idempotency-Key</c> is refused with 400, so the answer is never stored for replay.
    /// </summary>
    public static RouteHandlerBuilder WithoutIdempotency(this RouteHandlerBuilder builder) =>
        builder.WithMetadata(new NoIdempotencyMetadata());
}
