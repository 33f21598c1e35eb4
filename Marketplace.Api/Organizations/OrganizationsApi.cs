using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Http;
using Marketplace.Core.Common;
using Marketplace.Core.Organizations;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Api.Organizations;

public sealed record OrganizationResponse(
    Guid Id, string Kind, string Name, string CreditCode, string District, string? Industry, string? Scale, bool DiscloseName, DateTimeOffset CreatedAt)
{
    public static OrganizationResponse From(Organization o) =>
        new(o.Id, o.Kind.ToCode(), o.Name, o.CreditCode, o.District, o.Industry, o.Scale, o.DiscloseName, o.CreatedAt);
}

/// <summary>The new organization and its first API key; the key is shown only in this response.</summary>
public sealed record CreatedOrganizationResponse(OrganizationResponse Organization, string ApiKey, Guid ApiKeyId);

public sealed record IssuedApiKeyResponse(Guid Id, string ApiKey, string Prefix, DateTimeOffset CreatedAt);

/// <param name="Kind">What the organization is; it decides what its API keys may do.</param>
/// <param name="CreditCode">
/// 统一社会信用代码: 18 characters whose last is the GB 32100-2015 check character, in the form the pattern gives (the server
/// also takes lower-case letters and full-width characters and stores the code in that form).
/// </param>
/// <param name="District">The district where it is registered.</param>
/// <param name="Industry">Enterprises: their industry in their own words (required for enterprises; optional for others).</param>
/// <param name="Scale">Enterprises only: their scale (required for enterprises).</param>
/// <param name="DiscloseName">Enterprises: whether integrators see the enterprise's name on leads (default false); recorded on the enterprise's request, by an operator only (a district office may not opt an enterprise in), and changed by the enterprise itself with PUT /organizations/me/name-disclosure.</param>
public sealed record CreateOrganizationRequest(
    [Required, CodeList(CodeList.OrganizationKinds)] string? Kind,
    [Required, MaxLength(OrganizationStore.NameMax)] string? Name,
    [Required, RegularExpression(Core.Organizations.CreditCode.Pattern)] string? CreditCode,
    [Required, CodeList(CodeList.Districts)] string? District,
    [MaxLength(OrganizationStore.IndustryMax)] string? Industry,
    [CodeList(CodeList.EnterpriseScales)] string? Scale,
    bool? DiscloseName);

/// <param name="DiscloseName">Whether integrators see the enterprise's name on leads, lead.created events and its public ratings.</param>
public sealed record NameDisclosureRequest([Required] bool? DiscloseName);

public static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizations(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/organizations").WithTags("Organizations").RequireAuthorization();

        group.MapPost("/", Create)
            .RequireAuthorization(Policies.OperatorOrDistrict)
            .WithName("CreateOrganization")
            .WithSummary("登记机构并签发首个 API key (register an organization)")
            .WithDescription("Operators register every kind: operator, integrator, enterprise, capability-center, district (a district's 经信 office; `district` is the district it governs) and assessor (a vetted third-party diagnostic institution). A district office may register enterprises of its own district only (扫街摸排; 403 otherwise), never with `discloseName` true (400); it hands the key over, and the enterprise should rotate it at once (`POST /api/v1/organizations/{id}/api-keys/rotate`), so that only it acts as the enterprise. The answer carries the organization's first API key in `apiKey`; it is shown once and only its hash is stored. `creditCode` is checked by its GB 32100-2015 check character; a second organization with the same code is a 409.")
            .WithAuthProblems().WithProblems(400, 409, 413, 415)
            .WithoutIdempotency();

        group.MapGet("/", List)
            .RequireAuthorization(Policies.OperatorOrDistrict)
            .WithName("ListOrganizations")
            .WithSummary("机构列表 (list organizations)")
            .WithDescription("Operators: every organization, paged, optionally filtered by kind and district. District offices: `kind=enterprise` lists the enterprises of their own district, `kind=assessor` the registered assessors (any other kind is a 400).")
            .WithAuthProblems().WithProblems(400);

        group.MapGet("/me", Me)
            .WithName("GetMyOrganization")
            .WithSummary("当前 API key 所属机构 (the caller's organization)")
            .WithDescription("The organization the X-Api-Key belongs to.")
            .WithAuthProblems();

        group.MapPut("/me/name-disclosure", SetNameDisclosure)
            .RequireAuthorization(Policies.Enterprise)
            .WithName("SetMyNameDisclosure")
            .WithSummary("选择是否向服务商公开企业名称 (choose whether integrators see the enterprise's name)")
            .WithDescription("The enterprise itself, at any time: `discloseName` true names it on leads, `lead.created` events and its public ratings; false shows only its district and industry. Events already delivered keep what they carried. Answers the organization. A 409 with the key a district office handed over when it registered the enterprise (or one added with it): the enterprise rotates it first.")
            .WithAuthProblems().WithProblems(400, 409, 413, 415);

        group.MapGet("/{id}", Get)
            .WithName("GetOrganization")
            .WithSummary("机构详情 (read an organization)")
            .WithDescription("The organization itself or an operator; a district office also reads the enterprises of its district and the assessors. Anyone else gets 404.")
            .WithAuthProblems().WithProblems(404);

        group.MapGet("/{id}/api-keys", Keys)
            .WithName("ListApiKeys")
            .WithSummary("API key 列表 (list an organization's keys)")
            .WithDescription("Key ids, display prefixes and revocation times; never the secrets. The organization itself or an operator.")
            .WithAuthProblems().WithProblems(404);

        group.MapPost("/{id}/api-keys", AddKey)
            .WithName("AddApiKey")
            .WithSummary("新增 API key (issue one more key)")
            .WithDescription("Issues a new key (shown once) and leaves the others active: the way to replace a key without downtime (issue, switch the client, revoke the old one with DELETE), and safe to retry when an answer is lost (an extra key can be revoked). At most 5 active keys (409). The organization itself or an operator.")
            .WithAuthProblems().WithProblems(404, 409)
            .WithoutIdempotency();

        group.MapPost("/{id}/api-keys/rotate", Rotate)
            .WithName("RotateApiKey")
            .WithSummary("轮换 API key (rotate keys)")
            .WithDescription("Issues a new key (shown once) and revokes every other key of the organization at once (after a leak). Not safe to retry: the key the call was sent with is revoked, so a retry after a lost answer is a 401 — replace keys in routine with POST /api-keys then DELETE. Sent with one of the organization's own keys, that key must still be active: a second rotation sent with it is a 409 and issues nothing. The organization itself or an operator.")
            .WithAuthProblems().WithProblems(404, 409)
            .WithoutIdempotency();

        group.MapDelete("/{id}/api-keys/{keyId}", Revoke)
            .WithName("RevokeApiKey")
            .WithSummary("吊销 API key (revoke a key)")
            .WithDescription("The key stops working at once. The organization itself or an operator. An organization cannot revoke its own last active key (409: rotate instead, which issues a new key and revokes the others); an operator revoking another organization's last key suspends it until its key is rotated.")
            .WithAuthProblems().WithProblems(404, 409);
        return app;
    }

    private static async Task<Created<CreatedOrganizationResponse>> Create(CreateOrganizationRequest? request, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        var input = request ?? new CreateOrganizationRequest(null, null, null, null, null, null, null);
        var actor = user.GetActor();
        if (actor.Is(OrganizationKind.District))
        {
            if (input.Kind != OrganizationKind.Enterprise.ToCode())
            {
                throw new ForbiddenException("区县经信部门只能登记企业（kind=enterprise）(a district office registers enterprises only).");
            }
            if (input.DiscloseName == true)
            {
                var v = new Validator();
                v.Add("discloseName", "是否公开名称由企业自己选择（PUT /api/v1/organizations/me/name-disclosure），区县登记时不能代选 " +
                    "(the enterprise itself chooses to be named, with PUT /api/v1/organizations/me/name-disclosure; a district office may not opt it in).");
                v.ThrowIfAny();
            }
            var home = await store.HomeDistrictAsync(actor, ct);
            if (input.District is not null && input.District != home)
            {
                throw new ForbiddenException($"区县只能登记本区县（{home}）的企业 (a district office registers enterprises of its own district only).");
            }
        }
        var (organization, key) = await store.CreateAsync(
            new NewOrganization(input.Kind, input.Name, input.CreditCode, input.District, input.Industry, input.Scale, input.DiscloseName), ct,
            handedOverBy: actor.Is(OrganizationKind.District) ? actor.OrganizationId : null);
        return TypedResults.Created($"/api/v1/organizations/{organization.Id}",
            new CreatedOrganizationResponse(OrganizationResponse.From(organization), key.Secret, key.Id));
    }

    private static async Task<Ok<PagedList<OrganizationResponse>>> List(ClaimsPrincipal user, OrganizationStore store, TaxonomyCatalog taxonomy, [CodeList(CodeList.OrganizationKinds)] string? kind, [CodeList(CodeList.Districts)] string? district, [Range(1, Paging.MaxPage)] int? page, [Range(1, Paging.MaxPageSize)] int? pageSize, CancellationToken ct)
    {
        var actor = user.GetActor();
        var v = new Validator();
        var (p, size) = Paging.Validate(page, pageSize, v);
        if (kind is not null && !OrganizationKinds.TryParse(kind, out _))
        {
            v.Add("kind", $"未知的机构类型 '{kind}' (one of: {string.Join(", ", OrganizationKinds.Codes)}).");
        }
        else if (actor.Is(OrganizationKind.District) && kind != OrganizationKind.Enterprise.ToCode() && kind != OrganizationKind.Assessor.ToCode())
        {
            v.Add("kind", "区县可查询 enterprise（本区县企业）或 assessor（诊断机构） (district offices list kind=enterprise or kind=assessor).");
        }
        TaxonomyChecks.OptionalDistrict(v, taxonomy, "district", district);
        v.ThrowIfAny();
        if (actor.Is(OrganizationKind.District) && kind == OrganizationKind.Enterprise.ToCode())
        {
            district = await store.HomeDistrictAsync(actor, district, ct);
        }
        var result = await store.ListAsync(kind, p, size, ct, district);
        return TypedResults.Ok(result.Map(OrganizationResponse.From));
    }

    private static async Task<Ok<OrganizationResponse>> Me(ClaimsPrincipal user, OrganizationStore store, CancellationToken ct) =>
        TypedResults.Ok(OrganizationResponse.From(await store.GetAsync(user.GetActor().OrganizationId, ct)));

    private static async Task<Ok<OrganizationResponse>> SetNameDisclosure(NameDisclosureRequest? request, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        var v = new Validator();
        v.Required("discloseName", request?.DiscloseName);
        v.ThrowIfAny();
        return TypedResults.Ok(OrganizationResponse.From(await store.SetDiscloseNameAsync(user.GetActor(), user.GetKeyId(), request!.DiscloseName!.Value, ct)));
    }

    private static async Task<Ok<OrganizationResponse>> Get(Guid id, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        var actor = user.GetActor();
        var organization = await store.GetAsync(id, ct);
        var home = actor.Is(OrganizationKind.District) ? await store.HomeDistrictAsync(actor, ct) : null;
        if (!OrganizationStore.CanRead(actor, organization, home))
        {
            throw new NotFoundException($"机构 {id} 不存在 (organization not found).");
        }
        return TypedResults.Ok(OrganizationResponse.From(organization));
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyInfo>>> Keys(Guid id, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        EnsureSelfOrOperator(user.GetActor(), id);
        return TypedResults.Ok(await store.KeysAsync(id, ct));
    }

    private static async Task<Ok<IssuedApiKeyResponse>> Rotate(Guid id, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        EnsureSelfOrOperator(user.GetActor(), id);
        var key = await store.RotateKeyAsync(id, user.GetKeyId(), ct);
        return TypedResults.Ok(new IssuedApiKeyResponse(key.Id, key.Secret, key.Prefix, key.CreatedAt));
    }

    private static async Task<Created<IssuedApiKeyResponse>> AddKey(Guid id, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        EnsureSelfOrOperator(user.GetActor(), id);
        var key = await store.AddKeyAsync(id, user.GetKeyId(), ct);
        return TypedResults.Created($"/api/v1/organizations/{id}/api-keys/{key.Id}", new IssuedApiKeyResponse(key.Id, key.Secret, key.Prefix, key.CreatedAt));
    }

    private static async Task<NoContent> Revoke(Guid id, Guid keyId, ClaimsPrincipal user, OrganizationStore store, CancellationToken ct)
    {
        var actor = user.GetActor();
        EnsureSelfOrOperator(actor, id);
        await store.RevokeKeyAsync(id, keyId, keepOneActive: actor.OrganizationId == id, ct);
        return TypedResults.NoContent();
    }

    /// <summary>Other organizations get 404, not 403, so ids of others can't be probed.</summary>
    private static void EnsureSelfOrOperator(Actor actor, Guid organizationId)
    {
        if (!actor.IsOperator && actor.OrganizationId != organizationId)
        {
            throw new NotFoundException($"机构 {organizationId} 不存在 (organization not found).");
        }
    }
}
