namespace Marketplace.Core.Bulk;

internal static class BulkSql
{
    public const string InsertBulkJob = """
        INSERT INTO bulk_jobs (job_id, owner_id, operation, parameters, file_job_id, file_name, format, attempts, result)
        VALUES (@JobId, @OwnerId, @Operation, @Parameters, @FileJobId, @FileName, @Format, 0, NULL)
        """;

    public const string BulkJobById = """
        SELECT b.job_id AS JobId, b.owner_id AS OwnerId, b.operation AS Operation, b.parameters AS Parameters, b.file_job_id AS FileJobId,
               b.file_name AS FileName, b.format AS Format, b.attempts AS Attempts, b.result AS Result
        FROM bulk_jobs b WHERE b.job_id = @JobId
        """;

    /// <summary>Jobs a runner may take: queued, or running on a node that stopped updating them before @StaleBefore.</summary>
    public const string Claimable = """
        SELECT j.id FROM jobs j JOIN bulk_jobs b ON b.job_id = j.id
        WHERE j.status = 'queued' OR (j.status = 'running' AND j.updated_at < @StaleBefore)
        ORDER BY j.created_at, j.id
        """;

    /// <summary>Takes a dry run for the commit job @CommitId: 0 rows while another commit of it is queued, running or done.</summary>
    public const string ClaimDryRun = """
        UPDATE bulk_jobs SET committed_by = @CommitId
        WHERE job_id = @DryRunId
          AND (committed_by IS NULL OR committed_by IN (SELECT j.id FROM jobs j WHERE j.status = 'failed'))
        """;

    public const string CountAttempt = "UPDATE bulk_jobs SET attempts = attempts + 1 WHERE job_id = @JobId";

    public const string SetResult = "UPDATE bulk_jobs SET result = @Result WHERE job_id = @JobId";

    public const string InsertChunk = "INSERT INTO job_file_chunks (job_id, name, seq, data) VALUES (@JobId, @Name, @Seq, @Data)";

    public const string Chunk = "SELECT data FROM job_file_chunks WHERE job_id = @JobId AND name = @Name AND seq = @Seq";

    public const string ChunkCount = "SELECT COUNT(*) FROM job_file_chunks WHERE job_id = @JobId AND name = @Name";

    public const string DeleteChunks = "DELETE FROM job_file_chunks WHERE job_id = @JobId AND name = @Name";

    public const string InsertError = """
        INSERT INTO bulk_row_errors (job_id, seq, row_number, column_name, message) VALUES (@JobId, @Seq, @RowNumber, @Column, @Message)
        """;

    public const string DeleteErrors = "DELETE FROM bulk_row_errors WHERE job_id = @JobId";

    public const string Errors = """
        SELECT row_number AS RowNumber, column_name AS ColumnName, message AS Message
        FROM bulk_row_errors WHERE job_id = @JobId ORDER BY seq
        """;

    public const string CountErrors = "SELECT COUNT(*) FROM bulk_row_errors WHERE job_id = @JobId";

    /// <summary>Files of jobs that finished before @Before (retention).</summary>
    public const string ExpiredFileJobs = """
        SELECT DISTINCT c.job_id FROM job_file_chunks c JOIN jobs j ON j.id = c.job_id
        WHERE j.status IN ('succeeded', 'failed') AND j.finished_at < @Before
          AND NOT EXISTS (SELECT 1 FROM bulk_jobs b JOIN jobs a ON a.id = b.job_id
                          WHERE b.file_job_id = c.job_id AND a.status IN ('queued', 'running'))
        """;

    public const string DeleteAllChunks = "DELETE FROM job_file_chunks WHERE job_id = @JobId";
}
