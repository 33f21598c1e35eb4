using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Matching;

namespace Marketplace.Api.Leads;

public static class LeadsApi
{
    public static IEndpointRouteBuilder MapLeads(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/leads").WithTags("Leads").RequireAuthorization(Policies.Integrator);

        group.MapGet("/", List)
            .WithName("ListLeads")
            .WithSummary("商机线索 (demand items your offerings match)")
            .WithDescription("Integrator only. Items of open demand lists whose latest stored matches include the caller's offerings, with the item's text, budget, time frame and the matched offerings' ranks and scores. The enterprise's name is shown only when it opted in (`discloseName`); otherwise only its district and industry. Paged (pageSize ≤ 100), newest change first.")
            .WithAuthProblems().WithProblems(400);
        return app;
    }

    private static async Task<Ok<PagedList<Lead>>> List(ClaimsPrincipal user, LeadQueries leads, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        v.ThrowIfAny();
        return TypedResults.Ok(await leads.LeadsAsync(user.GetActor(), p, size, ct));
    }
}
