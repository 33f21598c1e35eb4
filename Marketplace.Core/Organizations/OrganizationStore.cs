using System.Data.Common;
using Dapper;
using Marketplace.Core.Common;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Organizations;

public sealed class OrganizationStore(Database db, TaxonomyCatalog taxonomy, TimeProvider clock)
{
    public const int NameMax = 200;
    public const int IndustryMax = 100;

    private sealed record OrganizationRow
    {
        public Guid Id { get; init; }
        public string Kind { get; init; } = "";
        public string Name { get; init; } = "";
        public string CreditCode { get; init; } = "";
        public string District { get; init; } = "";
        public string? Industry { get; init; }
        public string? Scale { get; init; }
        public bool DiscloseName { get; init; }
        public DateTimeOffset CreatedAt { get; init; }

        public Organization ToOrganization()
        {
            OrganizationKinds.TryParse(Kind, out var kind);
            return new Organization(Id, kind, Name, CreditCode, District, Industry, Scale, DiscloseName, CreatedAt);
        }
    }

    private sealed record AuthRow
    {
        public Guid OrganizationId { get; init; }
        public string Kind { get; init; } = "";
        public Guid KeyId { get; init; }
    }

    /// <param name="handedOverBy">
    /// The registrar when it is a district office: it receives the first key to hand over, with which no one does what only
    /// the enterprise may do (<see cref="RequireOwnKeyAsync"/>) until the enterprise rotates it. Null when an operator registers.
    /// </param>
    public async Task<(Organization Organization, IssuedApiKey Key)> CreateAsync(NewOrganization input, CancellationToken ct, Guid? handedOverBy = null)
    {
        input = input with { CreditCode = CreditCode.Normalize(input.CreditCode) };
        var kind = Validate(input);
        var now = clock.GetUtcNow();
        var organization = new Organization(Guid.NewGuid(), kind, input.Name!.Trim(), input.CreditCode!, input.District!,
            kind == OrganizationKind.Enterprise ? input.Industry!.Trim() : input.Industry?.Trim(),
            kind == OrganizationKind.Enterprise ? input.Scale : null,
            input.DiscloseName ?? false, now);
        return await db.InTransactionAsync(async (c, t) =>
        {
            var exists = await c.ExecuteScalarAsync<long>(db.Command(OrganizationSql.ExistsByCreditCode, new { organization.CreditCode }, t, ct));
            if (exists > 0)
            {
                throw new ConflictException($"统一社会信用代码 {organization.CreditCode} 已登记 (an organization with this credit code already exists).");
            }
            await InsertAsync(c, t, organization, ct);
            var key = await IssueKeyAsync(c, t, organization.Id, ApiKeys.NewSecret(), ct, handedOverBy);
            return (organization, key);
        }, ct);
    }

    private OrganizationKind Validate(NewOrganization input)
    {
        var v = new Validator();
        var kind = OrganizationKind.Integrator;
        if (v.Required("kind", input.Kind) && !OrganizationKinds.TryParse(input.Kind, out kind))
        {
            v.Add("kind", $"未知的机构类型 '{input.Kind}' (one of: {string.Join(", ", OrganizationKinds.Codes)}).");
        }
        if (v.Required("name", input.Name))
        {
            v.Text("name", input.Name!.Trim(), NameMax);
        }
        if (CreditCode.Problem(input.CreditCode) is { } problem)
        {
            v.Add("creditCode", problem);
        }
        if (v.Required("district", input.District) && !taxonomy.IsDistrict(input.District!))
        {
            v.Add("district", TaxonomyChecks.UnknownDistrict(input.District!));
        }
        if (kind == OrganizationKind.Enterprise)
        {
            if (v.Required("industry", input.Industry))
            {
                v.Text("industry", input.Industry!.Trim(), IndustryMax);
            }
            if (v.Required("scale", input.Scale) && !taxonomy.IsEnterpriseScale(input.Scale!))
            {
                v.Add("scale", $"未知的企业规模 '{input.Scale}' (one of: {string.Join(", ", taxonomy.Document.EnterpriseScales)}).");
            }
        }
        else
        {
            v.Text("industry", input.Industry, IndustryMax);
            if (input.Scale is not null)
            {
                v.Add("scale", "只有企业 (enterprise) 有规模 (only enterprises have a scale).");
            }
        }
        v.ThrowIfAny();
        return kind;
    }

    private async Task InsertAsync(DbConnection c, DbTransaction t, Organization o, CancellationToken ct) =>
        await c.ExecuteAsync(db.Command(OrganizationSql.Insert, new
        {
            o.Id,
            Kind = o.Kind.ToCode(),
            o.Name,
            o.CreditCode,
            o.District,
            o.Industry,
            o.Scale,
            o.DiscloseName,
            o.CreatedAt,
        }, t, ct));

    private async Task<IssuedApiKey> IssueKeyAsync(DbConnection c, DbTransaction t, Guid organizationId, string secret, CancellationToken ct, Guid? handedOverBy = null)
    {
        var key = new IssuedApiKey(Guid.NewGuid(), ApiKeys.DisplayPrefix(secret), secret, clock.GetUtcNow());
        await c.ExecuteAsync(db.Command(OrganizationSql.InsertKey, new
        {
            key.Id,
            OrganizationId = organizationId,
            KeyHash = ApiKeys.Hash(secret),
            KeyPrefix = key.Prefix,
            key.CreatedAt,
            HandedOverBy = handedOverBy,
        }, t, ct));
        return key;
    }

    /// <summary>
    /// The enterprise's own choice whether integrators see its name (leads, <c>lead.created</c>, its public ratings): its
    /// registrar records it on the enterprise's request, and only the enterprise changes it. Events already delivered keep
    /// what they carried.
    /// </summary>
    public async Task<Organization> SetDiscloseNameAsync(Actor actor, Guid keyId, bool discloseName, CancellationToken ct)
    {
        if (!actor.Is(OrganizationKind.Enterprise))
        {
            throw new ForbiddenException("只有企业可以选择是否公开名称 (only an enterprise chooses whether its name is shown).");
        }
        await RequireOwnKeyAsync(actor, keyId, "选择是否公开名称 (choose whether the name is shown)", ct);
        await using (var c = await db.OpenAsync(ct))
        {
            await c.ExecuteAsync(db.Command(OrganizationSql.SetDiscloseName, new { Id = actor.OrganizationId, DiscloseName = discloseName }, ct: ct));
        }
        return await GetAsync(actor.OrganizationId, ct);
    }

    /// <summary>
    /// 409 when <paramref name="keyId"/> is the key the district office that registered the organization received to hand
    /// over (or one added with it): whoever holds it may be the office, so <paramref name="what"/> — which only the
    /// enterprise may do — waits for the enterprise's own key, which a rotation gives it.
    /// </summary>
    public async Task RequireOwnKeyAsync(Actor actor, Guid keyId, string what, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        if (await c.ExecuteScalarAsync<Guid?>(db.Command(OrganizationSql.KeyHandedOverBy, new { KeyId = keyId, actor.OrganizationId }, ct: ct)) is not null)
        {
            throw new ConflictException($"此 API key 是区县登记企业时转交的：请先轮换（POST /api/v1/organizations/{actor.OrganizationId}/api-keys/rotate），再用自己的新 key {what}" +
                " (this API key was handed over by the district office that registered the enterprise: rotate it first, then use your own key).");
        }
    }

    public async Task<Organization?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<OrganizationRow>(db.Command(OrganizationSql.ById, new { Id = id }, ct: ct));
        return row?.ToOrganization();
    }

    public async Task<Organization> GetAsync(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) ?? throw new NotFoundException($"机构 {id} 不存在 (organization not found).");

    public async Task<PagedList<Organization>> ListAsync(string? kind, int page, int pageSize, CancellationToken ct, string? district = null)
    {
        await using var c = await db.OpenAsync(ct);
        var args = new { Kind = kind, District = district, Skip = (page - 1) * pageSize, Take = pageSize };
        var total = await c.ExecuteScalarAsync<long>(db.Command(OrganizationSql.Count, args, ct: ct));
        var rows = await c.QueryAsync<OrganizationRow>(db.Command(db.Dialect.Page(OrganizationSql.List), args, ct: ct));
        return new PagedList<Organization>(rows.Select(r => r.ToOrganization()).ToArray(), page, pageSize, total);
    }

    /// <summary>The district a district office governs (its organization's district).</summary>
    public async Task<string> HomeDistrictAsync(Actor actor, CancellationToken ct) => (await GetAsync(actor.OrganizationId, ct)).District;

    /// <summary>
    /// A district office's district for a filter it sent: its own, named or left out. Another district is refused (403)
    /// rather than answered with the office's own district's data under the other's name.
    /// </summary>
    public async Task<string> HomeDistrictAsync(Actor actor, string? requested, CancellationToken ct)
    {
        var home = await HomeDistrictAsync(actor, ct);
        if (requested is not null && requested != home)
        {
            throw new ForbiddenException($"区县经信部门只能查看本区县（{home}）的数据，请不传 district 或传 {home} (a district office sees its own district only).");
        }
        return home;
    }

    /// <summary>
    /// Whether <paramref name="actor"/> may read <paramref name="organization"/>: itself, operators, and a district office
    /// for the enterprises of its own district and for assessors (whom it assigns).
    /// </summary>
    public static bool CanRead(Actor actor, Organization organization, string? actorDistrict) =>
        actor.IsOperator || actor.OrganizationId == organization.Id
        || (actor.Is(OrganizationKind.District)
            && (organization.Kind == OrganizationKind.Assessor
                || (organization.Kind == OrganizationKind.Enterprise && organization.District == actorDistrict)));

    /// <summary>The organization an active key belongs to, and the key's id; null for an unknown or revoked key.</summary>
    public async Task<(Actor Actor, Guid KeyId)?> AuthenticateAsync(string secret, CancellationToken ct)
    {
        await using var c = await db.OpenAsync(ct);
        var row = await c.QuerySingleOrDefaultAsync<AuthRow>(db.Command(OrganizationSql.Authenticate, new { KeyHash = ApiKeys.Hash(secret) }, ct: ct));
        return row is not null && OrganizationKinds.TryParse(row.Kind, out var kind) ? (new Actor(row.OrganizationId, kind), row.KeyId) : null;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> KeysAsync(Guid organizationId, CancellationToken ct)
    {
        await GetAsync(organizationId, ct);
        await using var c = await db.OpenAsync(ct);
        return (await c.QueryAsync<ApiKeyInfo>(db.Command(OrganizationSql.Keys, new { OrganizationId = organizationId }, ct: ct))).ToArray();
    }

    /// <summary>
    /// Issues a new key and revokes every other key of the organization. <paramref name="callerKeyId"/> is the key the
    /// request came with: when it is one of the organization's, it must still be active, so two rotations sent with one
    /// key (a retry, a double click) issue one key, and no answer carries a key another rotation revoked.
    /// </summary>
    public async Task<IssuedApiKey> RotateKeyAsync(Guid organizationId, Guid callerKeyId, CancellationToken ct)
    {
        await GetAsync(organizationId, ct);
        return await db.InTransactionAsync(async (c, t) =>
        {
            var now = clock.GetUtcNow();
            var own = await c.ExecuteScalarAsync<long>(db.Command(OrganizationSql.KeyExists, new { OrganizationId = organizationId, KeyId = callerKeyId }, t, ct)) > 0;
            if (own && await c.ExecuteAsync(db.Command(OrganizationSql.RevokeActiveKey, new { OrganizationId = organizationId, KeyId = callerKeyId, Now = now }, t, ct)) == 0)
            {
                throw new ConflictException("调用所用的 API key 已被另一次轮换吊销，请使用那次轮换签发的新 key (another rotation already revoked the key this request used; use the key it issued).");
            }
            var key = await IssueKeyAsync(c, t, organizationId, ApiKeys.NewSecret(), ct);
            await c.ExecuteAsync(db.Command(OrganizationSql.RevokeAllKeysExcept, new { OrganizationId = organizationId, KeepId = key.Id, Now = now }, t, ct));
            return key;
        }, ct);
    }

    /// <summary>
    /// Issues one more key and leaves the others active (at most <see cref="MaxActiveKeys"/>): the safe way to replace a key
    /// without downtime or lockout (issue, switch, revoke the old one), also when an answer is lost and the call retried.
    /// </summary>
    /// <param name="callerKeyId">
    /// The key the request came with: one added with a key its registrar received to hand over is marked as that key is (so
    /// that whoever holds it cannot make an unmarked key while the enterprise's own keeps working; a rotation clears it).
    /// </param>
    public async Task<IssuedApiKey> AddKeyAsync(Guid organizationId, Guid callerKeyId, CancellationToken ct)
    {
        await GetAsync(organizationId, ct);
        return await db.InTransactionAsync(async (c, t) =>
        {
            var handedOverBy = await c.ExecuteScalarAsync<Guid?>(db.Command(OrganizationSql.KeyHandedOverBy,
                new { KeyId = callerKeyId, OrganizationId = organizationId }, t, ct));
            // Counted with a locking read before the insert, so that two keys added at once cannot both see room for one.
            if (await c.ExecuteScalarAsync<long>(db.Command(db.Dialect.ActiveKeysOf, new { OrganizationId = organizationId }, t, ct)) >= MaxActiveKeys)
            {
                throw new ConflictException($"该机构已有 {MaxActiveKeys} 个有效 API key，请先吊销不用的 key (at most {MaxActiveKeys} active keys: revoke one first).");
            }
            return await IssueKeyAsync(c, t, organizationId, ApiKeys.NewSecret(), ct, handedOverBy);
        }, ct);
    }

    public const int MaxActiveKeys = 5;

    /// <summary>
    /// Revokes one key. With <paramref name="keepOneActive"/> (an organization revoking its own key) its last active key
    /// cannot be revoked (409): that would lock it out, and an operator the whole pool, until someone with access issues
    /// a new one; rotating replaces it instead. An operator may revoke another organization's last key: that suspends it.
    /// </summary>
    public async Task RevokeKeyAsync(Guid organizationId, Guid keyId, bool keepOneActive, CancellationToken ct)
    {
        await db.InTransactionAsync(async (c, t) =>
        {
            var exists = await c.ExecuteScalarAsync<long>(db.Command(OrganizationSql.KeyExists, new { OrganizationId = organizationId, KeyId = keyId }, t, ct));
            if (exists == 0)
            {
                throw new NotFoundException($"API key {keyId} 不存在 (API key not found).");
            }
            // Revoked first, then counted with a locking read: two revocations of an organization's last two keys at once
            // cannot both see the other key still active (the second waits for the first's row, or one of them is chosen
            // to fail), also where reads see the last committed rows without waiting (READ_COMMITTED_SNAPSHOT).
            var revoked = await c.ExecuteAsync(db.Command(OrganizationSql.RevokeKey, new { OrganizationId = organizationId, KeyId = keyId, Now = clock.GetUtcNow() }, t, ct));
            var othersActive = await c.ExecuteScalarAsync<long>(db.Command(db.Dialect.OtherActiveKeys, new { OrganizationId = organizationId, KeyId = keyId }, t, ct));
            if (keepOneActive && revoked > 0 && othersActive == 0)
            {
                throw new ConflictException("这是该机构唯一有效的 API key，不能吊销；请改用轮换，签发新 key 并吊销其余 key (the organization's only active key cannot be revoked: rotate instead).");
            }
            return true;
        }, ct);
    }

    /// <summary>
    /// Makes sure an operator can get in: registers the configured operator key (or, with none configured and
    /// no operator yet, generates one). Returns the generated secret, or null when nothing was generated.
    /// </summary>
    public async Task<string?> BootstrapOperatorAsync(string? configuredKey, CancellationToken ct)
    {
        return await db.InTransactionAsync<string?>(async (c, t) =>
        {
            var operatorOrg = (await c.QueryAsync<OrganizationRow>(db.Command(OrganizationSql.FirstOperator, transaction: t, ct: ct))).FirstOrDefault();
            if (operatorOrg is not null && configuredKey is null)
            {
                return null;
            }
            var operatorId = operatorOrg?.Id ?? Guid.NewGuid();
            if (operatorOrg is null)
            {
                await InsertAsync(c, t, new Organization(operatorId, OrganizationKind.Operator, "重庆市解决方案资源池运营中心",
                    Organizations.CreditCode.Complete("11500000MB0000000"), "渝北区", null, null, false, clock.GetUtcNow()), ct);
            }
            if (configuredKey is not null)
            {
                var known = await c.ExecuteScalarAsync<long>(db.Command(OrganizationSql.KeyHashExists, new { KeyHash = ApiKeys.Hash(configuredKey) }, t, ct));
                if (known == 0)
                {
                    await IssueKeyAsync(c, t, operatorId, configuredKey, ct);
                }
                return null;
            }
            var secret = ApiKeys.NewSecret();
            await IssueKeyAsync(c, t, operatorId, secret, ct);
            return secret;
        }, ct);
    }
}
