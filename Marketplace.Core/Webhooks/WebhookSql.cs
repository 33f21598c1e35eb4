namespace Marketplace.Core.Webhooks;

/// <summary>Webhook statements shared by SQLite and SQL Server (claiming is dialect-specific: <see cref="Storage.SqlDialect.ClaimWebhookDeliveries"/>).</summary>
internal static class WebhookSql
{
    public const string Subscribers = """
        SELECT e.id AS EndpointId, e.organization_id AS OrganizationId
        FROM webhook_endpoints e JOIN organizations o ON o.id = e.organization_id
        WHERE e.active = 1 AND e.deleted_at IS NULL AND e.event_types LIKE @Pattern
          AND (o.id IN @OrganizationIds OR o.kind IN @Kinds)
        """;

    public const string AnySubscriber = "SELECT COUNT(*) FROM webhook_endpoints WHERE active = 1 AND deleted_at IS NULL AND event_types LIKE @Pattern";

    public const string InsertEvent = """
        INSERT INTO webhook_events (id, organization_id, type, payload, occurred_at) VALUES (@Id, @OrganizationId, @Type, @Payload, @Now)
        """;

    public const string InsertDelivery = """
        INSERT INTO webhook_deliveries (id, event_id, endpoint_id, status, attempts, next_attempt_at, expires_at, claimed_by, claimed_until,
                                        last_attempt_at, last_status_code, last_error, delivered_at, dead_at, created_at)
        VALUES (@Id, @EventId, @EndpointId, 'pending', 0, @Now, @ExpiresAt, NULL, NULL, NULL, NULL, NULL, NULL, NULL, @Now)
        """;

    public const string Claimed = """
        SELECT d.seq AS Seq, d.id AS DeliveryId, d.attempts AS Attempts, d.expires_at AS ExpiresAt, d.endpoint_id AS EndpointId,
               ev.id AS EventId, ev.type AS EventType, ev.payload AS Payload,
               e.url AS Url, e.secret AS Secret, e.previous_secret AS PreviousSecret, e.previous_secret_until AS PreviousSecretUntil
        FROM webhook_deliveries d
        JOIN webhook_events ev ON ev.id = d.event_id
        JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.seq IN @Seqs AND d.claimed_by = @Holder
        """;

    private const string Held = " WHERE seq = @Seq AND claimed_by = @Holder AND status = 'pending'";

    public const string Delivered = """
        UPDATE webhook_deliveries
        SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, last_attempt_at = @Now, last_status_code = @Status, last_error = NULL,
            claimed_by = NULL, claimed_until = NULL
        """ + Held;

    public const string Retry = """
        UPDATE webhook_deliveries
        SET attempts = attempts + 1, next_attempt_at = @Next, last_attempt_at = @Now, last_status_code = @Status, last_error = @Error,
            claimed_by = NULL, claimed_until = NULL
        """ + Held;

    public const string Dead = """
        UPDATE webhook_deliveries
        SET status = 'dead', attempts = attempts + 1, dead_at = @Now, last_attempt_at = @Now, last_status_code = @Status, last_error = @Error,
            claimed_by = NULL, claimed_until = NULL
        """ + Held;

    public const string InsertAttempt = """
        INSERT INTO webhook_attempts (delivery_seq, attempt, at, holder, status_code, error, duration_ms)
        VALUES (@DeliverySeq, @Attempt, @Now, @Holder, @Status, @Error, @DurationMs)
        """;

    public const string Release = """
        UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL
        WHERE seq IN @Seqs AND claimed_by = @Holder AND status = 'pending'
        """;

    public const string Renew = """
        UPDATE webhook_deliveries SET claimed_until = @Until
        WHERE seq IN @Keys AND claimed_by = @Holder AND status = 'pending'
        """;

    public const string ReleaseHolder = """
        UPDATE webhook_deliveries SET claimed_by = NULL, claimed_until = NULL
        WHERE claimed_by = @Holder AND status = 'pending'
        """;

    public const string PendingCount = "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'";

    // Endpoints.

    public const string EndpointColumns = """
        id AS Id, organization_id AS OrganizationId, url AS Url, description AS Description, event_types AS EventTypes, active AS Active,
        previous_secret_until AS PreviousSecretUntil, row_version AS RowVersion, created_at AS CreatedAt, updated_at AS UpdatedAt
        """;

    public const string EndpointById = "SELECT " + EndpointColumns + " FROM webhook_endpoints WHERE id = @Id AND deleted_at IS NULL";

    public const string EndpointsOf = "SELECT " + EndpointColumns + " FROM webhook_endpoints WHERE organization_id = @OrganizationId AND deleted_at IS NULL ORDER BY created_at, id";

    public const string InsertEndpoint = """
        INSERT INTO webhook_endpoints (id, organization_id, url, description, event_types, secret, previous_secret, previous_secret_until, active,
                                       row_version, created_at, updated_at, deleted_at)
        VALUES (@Id, @OrganizationId, @Url, @Description, @EventTypes, @Secret, NULL, NULL, 1, 1, @Now, @Now, NULL)
        """;

    public const string UpdateEndpoint = """
        UPDATE webhook_endpoints
        SET url = @Url, description = @Description, event_types = @EventTypes, active = @Active, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion AND deleted_at IS NULL
        """;

    public const string RotateSecret = """
        UPDATE webhook_endpoints
        SET previous_secret = secret, previous_secret_until = @PreviousUntil, secret = @Secret, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND deleted_at IS NULL AND (@ExpectedRowVersion IS NULL OR row_version = @ExpectedRowVersion)
        """;

    public const string DeleteEndpoint = """
        UPDATE webhook_endpoints SET deleted_at = @Now, active = 0, row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND deleted_at IS NULL AND (@ExpectedRowVersion IS NULL OR row_version = @ExpectedRowVersion)
        """;

    /// <summary>A deleted endpoint's undelivered deliveries end as dead (it will never take them).</summary>
    public const string KillPendingOfEndpoint = """
        UPDATE webhook_deliveries SET status = 'dead', dead_at = @Now, last_error = 'endpoint deleted', claimed_by = NULL, claimed_until = NULL
        WHERE endpoint_id = @Id AND status = 'pending'
        """;

    // Deliveries as the organization inspects them.

    private const string DeliveryColumns = """
        d.seq AS Seq, d.id AS Id, d.endpoint_id AS EndpointId, ev.id AS EventId, ev.type AS EventType, ev.occurred_at AS OccurredAt, d.status AS Status,
        d.attempts AS Attempts, d.next_attempt_at AS NextAttemptAt, d.expires_at AS ExpiresAt, d.last_attempt_at AS LastAttemptAt,
        d.last_status_code AS LastStatusCode, d.last_error AS LastError, d.delivered_at AS DeliveredAt, d.dead_at AS DeadAt, d.created_at AS CreatedAt
        """;

    private const string DeliveryFrom = " FROM webhook_deliveries d JOIN webhook_events ev ON ev.id = d.event_id";

    public const string DeliveriesOfEndpoint = "SELECT " + DeliveryColumns + DeliveryFrom
        + " WHERE d.endpoint_id = @EndpointId AND (@Status IS NULL OR d.status = @Status) ORDER BY d.seq DESC";

    public const string CountDeliveriesOfEndpoint = "SELECT COUNT(*) FROM webhook_deliveries d WHERE d.endpoint_id = @EndpointId AND (@Status IS NULL OR d.status = @Status)";

    public const string DeliveryById = "SELECT " + DeliveryColumns + ", ev.payload AS Payload" + DeliveryFrom + " WHERE d.id = @Id AND d.endpoint_id = @EndpointId";

    public const string Attempts = """
        SELECT attempt AS Attempt, at AS At, holder AS Holder, status_code AS StatusCode, error AS Error, duration_ms AS DurationMs
        FROM webhook_attempts WHERE delivery_seq = @Seq ORDER BY attempt
        """;

    /// <summary>A dead (or delivered) delivery goes again from now, with a fresh retry period; its event id stays.</summary>
    public const string Redeliver = """
        UPDATE webhook_deliveries
        SET status = 'pending', next_attempt_at = @Now, expires_at = @ExpiresAt, dead_at = NULL, claimed_by = NULL, claimed_until = NULL
        WHERE id = @Id AND endpoint_id = @EndpointId AND status <> 'pending'
        """;
}
