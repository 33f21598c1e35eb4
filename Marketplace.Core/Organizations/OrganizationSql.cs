namespace Marketplace.Core.Organizations;

internal static class OrganizationSql
{
    public const string Columns =
        "id AS Id, kind AS Kind, name AS Name, credit_code AS CreditCode, district AS District, industry AS Industry, scale AS Scale, disclose_name AS DiscloseName, created_at AS CreatedAt";

    public const string Insert = """
        INSERT INTO organizations (id, kind, name, credit_code, district, industry, scale, disclose_name, created_at)
        VALUES (@Id, @Kind, @Name, @CreditCode, @District, @Industry, @Scale, @DiscloseName, @CreatedAt)
        """;

    public const string ById = "SELECT " + Columns + " FROM organizations WHERE id = @Id";

    public const string ExistsByCreditCode = "SELECT COUNT(*) FROM organizations WHERE credit_code = @CreditCode";

    private const string ListWhere = " WHERE (@Kind IS NULL OR kind = @Kind) AND (@District IS NULL OR district = @District)";

    public const string Count = "SELECT COUNT(*) FROM organizations" + ListWhere;

    public const string List = "SELECT " + Columns + " FROM organizations" + ListWhere + " ORDER BY created_at, id";

    public const string InsertKey = """
        INSERT INTO api_keys (id, organization_id, key_hash, key_prefix, created_at, revoked_at, handed_over_by)
        VALUES (@Id, @OrganizationId, @KeyHash, @KeyPrefix, @CreatedAt, NULL, @HandedOverBy)
        """;

    public const string Authenticate = """
        SELECT o.id AS OrganizationId, o.kind AS Kind, k.id AS KeyId
        FROM api_keys k JOIN organizations o ON o.id = k.organization_id
        WHERE k.key_hash = @KeyHash AND k.revoked_at IS NULL
        """;

    public const string Keys = """
        SELECT id AS Id, key_prefix AS Prefix, created_at AS CreatedAt, revoked_at AS RevokedAt
        FROM api_keys WHERE organization_id = @OrganizationId ORDER BY created_at, id
        """;

    public const string RevokeKey =
        "UPDATE api_keys SET revoked_at = @Now WHERE id = @KeyId AND organization_id = @OrganizationId AND revoked_at IS NULL";

    public const string RevokeAllKeysExcept =
        "UPDATE api_keys SET revoked_at = @Now WHERE organization_id = @OrganizationId AND id <> @KeepId AND revoked_at IS NULL";

    /// <summary>Revokes one key if it is still active (a rotation's own key: a concurrent rotation may have revoked it).</summary>
    public const string RevokeActiveKey = "UPDATE api_keys SET revoked_at = @Now WHERE id = @KeyId AND organization_id = @OrganizationId AND revoked_at IS NULL";


    public const string KeyExists = "SELECT COUNT(*) FROM api_keys WHERE id = @KeyId AND organization_id = @OrganizationId";

    public const string KeyHashExists = "SELECT COUNT(*) FROM api_keys WHERE key_hash = @KeyHash";

    public const string FirstOperator = "SELECT " + Columns + " FROM organizations WHERE kind = 'operator' ORDER BY created_at, id";

    public const string SetDiscloseName = "UPDATE organizations SET disclose_name = @DiscloseName WHERE id = @Id AND kind = 'enterprise'";

    /// <summary>Who received the key to hand over (its registrar when a district office registered the organization), or null.</summary>
    public const string KeyHandedOverBy = "SELECT handed_over_by FROM api_keys WHERE id = @KeyId AND organization_id = @OrganizationId";
}
