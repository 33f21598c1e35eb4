namespace Marketplace.Core.Cases;

internal static class CaseSql
{
    public const string Columns = """
        c.id AS Id, c.engagement_id AS EngagementId, c.offering_id AS OfferingId, c.revision_id AS RevisionId, e.offering_title AS OfferingTitle,
        c.integrator_id AS IntegratorId, itg.name AS IntegratorName, c.enterprise_id AS EnterpriseId, ent.name AS EnterpriseName, c.named AS Named,
        c.status AS Status, c.title AS Title, c.summary AS Summary, c.directions AS Directions, c.sub_directions AS SubDirections,
        c.district AS District, c.industry AS Industry, c.integrator_consent_at AS IntegratorConsentAt, c.enterprise_consent_at AS EnterpriseConsentAt,
        c.reject_reason AS RejectReason, c.row_version AS RowVersion, c.created_at AS CreatedAt, c.updated_at AS UpdatedAt, c.published_at AS PublishedAt,
        e.planned_days AS PlannedDays, e.actual_days AS ActualDays
        """;

    private const string From = """
        FROM cases c
        JOIN engagements e ON e.id = c.engagement_id
        JOIN organizations itg ON itg.id = c.integrator_id
        JOIN organizations ent ON ent.id = c.enterprise_id
        """;

    public const string ById = "SELECT " + Columns + " " + From + " WHERE c.id = @Id";

    public const string ByIds = "SELECT " + Columns + " " + From + " WHERE c.id IN @Ids";

    public const string ExistsForEngagement = "SELECT id FROM cases WHERE engagement_id = @EngagementId";

    /// <summary>The filters of a library search (patterns are built in code with LIKE escaping).</summary>
    private const string Filters = """
          AND (@DirectionPattern IS NULL OR c.directions LIKE @DirectionPattern ESCAPE '\')
          AND (@SubDirectionPattern IS NULL OR c.sub_directions LIKE @SubDirectionPattern ESCAPE '\')
          AND (@District IS NULL OR c.district = @District)
          AND (@IndustryPattern IS NULL OR c.industry LIKE @IndustryPattern ESCAPE '\')
          AND (@OfferingId IS NULL OR c.offering_id = @OfferingId)
        """;

    public const string Browse = "SELECT " + Columns + " " + From + " WHERE c.status = 'published' " + Filters + " ORDER BY c.published_at DESC, c.id";

    public const string CountBrowse = "SELECT COUNT(*) FROM cases c WHERE c.status = 'published' " + Filters;

    /// <summary>Postings of the query terms in published cases that pass the filters.</summary>
    public const string Postings = """
        SELECT t.case_id AS CaseId, t.term AS Term, t.weight AS Weight
        FROM case_terms t JOIN cases c ON c.id = t.case_id
        WHERE t.term IN @Terms AND c.status = 'published'
        """ + Filters;

    public const string DocumentFrequencies = """
        SELECT t.term AS Term, COUNT(*) AS Df
        FROM case_terms t JOIN cases c ON c.id = t.case_id
        WHERE t.term IN @Terms AND c.status = 'published'
        GROUP BY t.term
        """;

    public const string PublishedCount = "SELECT COUNT(*) FROM cases WHERE status = 'published'";

    private const string ListWhere = """
        WHERE (@PartyId IS NULL OR c.integrator_id = @PartyId OR c.enterprise_id = @PartyId)
          AND (@Status IS NULL OR c.status = @Status)
        """;

    public const string List = "SELECT " + Columns + " " + From + " " + ListWhere + " ORDER BY c.updated_at DESC, c.id";

    public const string Count = "SELECT COUNT(*) FROM cases c " + ListWhere;

    public const string Insert = """
        INSERT INTO cases (id, engagement_id, offering_id, revision_id, integrator_id, enterprise_id, status, title, summary, named, directions,
                           sub_directions, district, industry, integrator_consent_at, enterprise_consent_at, reject_reason, row_version,
                           created_at, updated_at, published_at)
        VALUES (@Id, @EngagementId, @OfferingId, @RevisionId, @IntegratorId, @EnterpriseId, 'draft', @Title, @Summary, @Named, @Directions,
                @SubDirections, @District, @Industry, @IntegratorConsentAt, @EnterpriseConsentAt, NULL, 1, @Now, @Now, NULL)
        """;

    /// <summary>Optimistic change: rows affected 0 means the case changed under us.</summary>
    public const string Change = """
        UPDATE cases
        SET status = @Status, title = @Title, summary = @Summary, named = @Named, integrator_consent_at = @IntegratorConsentAt,
            enterprise_consent_at = @EnterpriseConsentAt, reject_reason = @RejectReason, published_at = @PublishedAt,
            row_version = row_version + 1, updated_at = @Now
        WHERE id = @Id AND row_version = @ExpectedRowVersion
        """;

    public const string InsertEvent = """
        INSERT INTO case_events (case_id, action, actor_id, actor_kind, detail, at)
        VALUES (@CaseId, @Action, @ActorId, @ActorKind, @Detail, @Now)
        """;

    public const string Events = """
        SELECT seq AS Seq, action AS Action, actor_id AS ActorId, actor_kind AS ActorKind, detail AS Detail, at AS At
        FROM case_events WHERE case_id = @CaseId ORDER BY seq
        """;

    public const string DeleteTerms = "DELETE FROM case_terms WHERE case_id = @CaseId";

    public const string InsertTerm = "INSERT INTO case_terms (case_id, term, weight) VALUES (@CaseId, @Term, @Weight)";

    /// <summary>The published cases of an offering, newest first (its page lists them).</summary>
    public const string OfOffering = "SELECT " + Columns + " " + From + " WHERE c.offering_id = @OfferingId AND c.status = 'published' ORDER BY c.published_at DESC, c.id";

    public const string EngagementRevision = """
        SELECT r.content FROM engagements e JOIN offering_revisions r ON r.id = e.revision_id WHERE e.id = @EngagementId
        """;
}
