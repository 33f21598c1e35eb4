using Marketplace.Core.Common;
using Marketplace.Core.Jobs;
using Marketplace.Core.Offerings;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Bulk;

/// <param name="DryRun">Only check the rows (per-row errors), create nothing.</param>
/// <param name="SkipInvalid">Import the valid rows even when some are invalid; otherwise any invalid row stops the import before anything is created.</param>
/// <param name="SourceJobId">The dry run whose file this import uses.</param>
public sealed record ImportParameters(bool DryRun, bool SkipInvalid, Guid? SourceJobId);

/// <summary>An import's outcome: rows read, valid and invalid rows, errors (all counted; at most MaxStoredErrors kept) and drafts created.</summary>
public sealed record ImportResult(long Rows, long ValidRows, long InvalidRows, long Errors, bool ErrorsTruncated, long Created, string? Refused);

/// <summary>
/// Runs an offering import from its stored file in two passes over the rows, streaming: the first checks every row as
/// the API would and records the row errors; unless this is a dry run, the second creates a draft per valid row in one
/// transaction that also finishes the job, so an import creates all its drafts or none, and a restart can't import twice.
/// </summary>
public sealed class OfferingImporter(Database db, BulkJobStore bulk, JobStore jobs, OfferingStore offerings, OfferingImportTemplate template,
    IOptions<BulkOptions> options, TimeProvider clock)
{
    private const int ErrorBatch = 500;

    /// <summary>Reports progress: rows so far, and whether a write transaction is open on this job's connection.</summary>
    public delegate Task Progress(long processed, bool inTransaction);

    public async Task RunAsync(Guid jobId, BulkJob job, Stream file, Progress progress, CancellationToken ct)
    {
        var parameters = job.ParametersAs<ImportParameters>();
        var year = ChinaTime.Year(clock);
        var limits = options.Value;
        await bulk.ClearErrorsAsync(jobId, ct);

        // Pass 1: check every row, record the errors.
        long rows = 0, invalid = 0, errorCount = 0;
        var buffer = new List<RowError>();
        var stored = 0;
        var firstRowOf = new Dictionary<ulong, long>();
        var ownOffering = new Dictionary<ulong, Guid>();
        foreach (var (offeringId, content) in await offerings.ContentsOfOwnerAsync(job.OwnerId, ct))
        {
            ownOffering.TryAdd(KeyOf(content), offeringId);
        }
        using (var reader = TableReader.Open(file, job.TableFormat))
        {
            var headers = reader.Headers;
            if (OfferingImportTemplate.HeaderProblems(headers) is { Count: > 0 } problems)
            {
                await FinishAsync(jobId, new ImportResult(0, 0, 0, 0, false, 0, string.Join(" ", problems)), 0, ct);
                return;
            }
            foreach (var row in reader.Rows())
            {
                ct.ThrowIfCancellationRequested();
                if (++rows > limits.MaxRows)
                {
                    await FinishAsync(jobId, new ImportResult(rows, 0, 0, 0, false, 0,
                        $"文件超过 {limits.MaxRows} 行，请分批导入 (more than {limits.MaxRows} rows; split the file)."), rows, ct);
                    return;
                }
                var (content, errors) = template.Read(headers, row, year);
                if (content is not null && KeyOf(content) is var key)
                {
                    if (!firstRowOf.TryAdd(key, row.Number))
                    {
                        var first = firstRowOf[key];
                        errors = [new RowError(row.Number, OfferingImportTemplate.HeaderOf("title"),
                            $"与第 {first} 行内容完全相同，只按第 {first} 行处理 (the same offering as row {first}; only row {first} counts).")];
                    }
                    else if (ownOffering.TryGetValue(key, out var existing))
                    {
                        // Most often the same file uploaded again: its drafts exist already.
                        errors = [new RowError(row.Number, OfferingImportTemplate.HeaderOf("title"),
                            $"与已有方案 {existing} 内容完全相同，不再重复导入 (the same as your offering {existing}; not imported again).")];
                    }
                }
                if (errors.Count > 0)
                {
                    invalid++;
                    errorCount += errors.Count;
                    foreach (var error in errors.Where(_ => stored + buffer.Count < limits.MaxStoredErrors))
                    {
                        buffer.Add(error);
                    }
                    if (buffer.Count >= ErrorBatch)
                    {
                        await bulk.AddErrorsAsync(jobId, stored, buffer, ct);
                        stored += buffer.Count;
                        buffer.Clear();
                    }
                }
                if (rows % 200 == 0)
                {
                    await progress(rows, inTransaction: false);
                }
            }
        }
        await bulk.AddErrorsAsync(jobId, stored, buffer, ct);
        var truncated = errorCount > stored + buffer.Count;
        var valid = rows - invalid;
        if (parameters.DryRun)
        {
            await FinishAsync(jobId, new ImportResult(rows, valid, invalid, errorCount, truncated, 0, null), rows, ct);
            return;
        }
        if (invalid > 0 && !parameters.SkipInvalid)
        {
            await FinishAsync(jobId, new ImportResult(rows, valid, invalid, errorCount, truncated, 0,
                $"有 {invalid} 行有错误，未导入任何方案；请修正后重新导入，或用 skipInvalid=true 只导入正确的 {valid} 行 " +
                $"({invalid} rows are invalid and nothing was imported; fix them, or pass skipInvalid=true to import the {valid} valid rows)."), rows, ct);
            return;
        }

        // Pass 2: one transaction creates every valid row's draft and finishes the job.
        await jobs.TotalAsync(jobId, valid, ct);
        var owner = new Actor(job.OwnerId, OrganizationKind.Integrator);
        file.Position = 0;
        await db.InTransactionAsync(async (c, t) =>
        {
            var now = clock.GetUtcNow();
            using var reader = TableReader.Open(file, job.TableFormat);
            var headers = reader.Headers;
            var created = new HashSet<ulong>();
            foreach (var row in reader.Rows())
            {
                ct.ThrowIfCancellationRequested();
                if (template.Read(headers, row, year).Content is not { } content || KeyOf(content) is var key && (ownOffering.ContainsKey(key) || !created.Add(key)))
                {
                    continue;
                }
                await offerings.InsertDraftAsync(c, t, owner, content, $"imported: row {row.Number} of {job.FileName ?? "file"} (job {jobId})", now, ct);
                if (created.Count % 200 == 0)
                {
                    await progress(created.Count, inTransaction: true);
                }
            }
            await bulk.FinishAsync(jobId, new ImportResult(rows, valid, invalid, errorCount, truncated, created.Count, null), created.Count, null, c, t, ct);
        }, ct);
    }

    /// <summary>A row's offering as a key: two rows of one file with the same content are one offering, imported once.</summary>
    private static ulong KeyOf(OfferingContent content) => Fnv1a.Hash(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(content));

    private Task FinishAsync(Guid jobId, ImportResult result, long processed, CancellationToken ct) =>
        bulk.FinishAsync(jobId, result, processed, result.Refused, ct: ct);
}
