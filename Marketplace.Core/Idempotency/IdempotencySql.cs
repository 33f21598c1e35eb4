namespace Marketplace.Core.Idempotency;

internal static class IdempotencySql
{
    public const string Insert = """
        INSERT INTO idempotency_keys (organization_id, idempotency_key, fingerprint, status_code, content_type, location, etag, body, holder_id, created_at, expires_at)
        VALUES (@OrganizationId, @Key, @Fingerprint, NULL, NULL, NULL, NULL, NULL, @Holder, @Now, @ExpiresAt)
        """;

    public const string Find = """
        SELECT fingerprint AS Fingerprint, status_code AS StatusCode, content_type AS ContentType, location AS Location, etag AS ETag,
               body AS Body, holder_id AS HolderId, created_at AS CreatedAt, expires_at AS ExpiresAt
        FROM idempotency_keys WHERE organization_id = @OrganizationId AND idempotency_key = @Key
        """;

    public const string Complete = """
        UPDATE idempotency_keys SET status_code = @StatusCode, content_type = @ContentType, location = @Location, etag = @ETag, body = @Body
        WHERE organization_id = @OrganizationId AND idempotency_key = @Key AND status_code IS NULL
        """;

    /// <summary>Only a record still in progress: a completed one is the answer and stays until it expires.</summary>
    public const string Abandon =
        "DELETE FROM idempotency_keys WHERE organization_id = @OrganizationId AND idempotency_key = @Key AND status_code IS NULL";

    public const string ReleaseHolder = "DELETE FROM idempotency_keys WHERE holder_id = @Holder AND status_code IS NULL";

    /// <summary>One record in progress of a holder no longer registered: of the retries that find it, one deletes it.</summary>
    public const string DeleteAbandoned = """
        DELETE FROM idempotency_keys
        WHERE organization_id = @OrganizationId AND idempotency_key = @Key AND status_code IS NULL AND holder_id = @Holder
        """;

    public const string DeleteExpiredKey =
        "DELETE FROM idempotency_keys WHERE organization_id = @OrganizationId AND idempotency_key = @Key AND expires_at <= @Now";

    public const string DeleteExpired = "DELETE FROM idempotency_keys WHERE expires_at <= @Now";
}
