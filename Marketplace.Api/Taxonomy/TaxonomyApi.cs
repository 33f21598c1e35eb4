using Marketplace.Core.Taxonomy;

namespace Marketplace.Api.Taxonomy;

public static class TaxonomyApi
{
    public static IEndpointRouteBuilder MapTaxonomy(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/taxonomy", GetTaxonomy)
            .WithTags("Taxonomy")
            .WithName("GetTaxonomy")
            .WithSummary("重点方向、细分方向、区县与枚举 (the taxonomy)")
            .WithDescription("The annex's eight priority directions with their technology items and aliases, Chongqing's districts (plus 全市), offering types, deployment modes and enterprise scales. Public.")
            .Produces<TaxonomyDocument>()
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return app;
    }

    private static Ok<TaxonomyDocument> GetTaxonomy(TaxonomyCatalog taxonomy, HttpContext context)
    {
        context.Response.Headers.CacheControl = "public, max-age=3600";
        return TypedResults.Ok(taxonomy.Document);
    }
}
