using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Marketplace.Api.Admin;
using Marketplace.Api.Http;
using Marketplace.Core.Bulk;
using Marketplace.Core.Common;
using Marketplace.Core.Demands;
using Marketplace.Core.Jobs;
using Marketplace.Core.Taxonomy;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Bulk;

/// <summary>An offering import: its file, what was asked, the job (status and progress) and, once done, the outcome.</summary>
public sealed record OfferingImportResponse(Guid Id, string? FileName, string Format, ImportParameters Parameters, JobResponse Job, ImportResult? Result, string ErrorsUrl);

/// <param name="Kind">offerings (the catalog), demand-lists (one row per item), match-events, financing-needs (confirmed).</param>
/// <param name="Format">csv (default) or xlsx.</param>
/// <param name="Status">offerings: live (default) or all; demand-lists: open or closed (default: both). A filter a kind does not take is a 400.</param>
/// <param name="District">Demand lists, match events and financing needs: one district.</param>
/// <param name="Direction">Match events and financing needs: one direction code.</param>
/// <param name="From">Match events and financing needs: first day (yyyy-MM-dd, China Standard Time).</param>
/// <param name="To">Last day, included.</param>
public sealed record ExportRequest(
    [Required, CodeList(CodeList.ExportKinds)] string? Kind,
    [CodeList(CodeList.TableFormats)] string? Format,
    [CodeList(CodeList.ExportStatuses)] string? Status,
    [CodeList(CodeList.Districts)] string? District,
    [CodeList(CodeList.Directions)] string? Direction,
    DateOnly? From,
    DateOnly? To);

public sealed record ExportResponse(Guid Id, string? FileName, string Format, ExportParameters Parameters, JobResponse Job, ExportResult? Result, string? DownloadUrl);

/// <summary>An endpoint's own body limit, read by <see cref="RequestSizeLimitMiddleware"/>.</summary>
public sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;

public static class BulkApi
{
    /// <summary>
    /// What an upload may say it is, besides XLSX; the file is read by its first bytes whatever it says. Browsers on Windows
    /// send a .csv as application/vnd.ms-excel, and some tools send text/plain.
    /// </summary>
    private static readonly string[] UploadContentTypes = [TableFormats.CsvContentType, "application/vnd.ms-excel", "text/plain", "application/octet-stream"];

    public static IEndpointRouteBuilder MapBulk(this IEndpointRouteBuilder app)
    {
        var limits = app.ServiceProvider.GetRequiredService<IOptions<BulkOptions>>().Value;
        var imports = app.MapGroup("/api/v1/offering-imports").WithTags("Bulk files");

        imports.MapGet("/template", Template)
            .WithName("GetOfferingImportTemplate")
            .WithSummary("导入模板 (the offering import template)")
            .WithDescription("Public. `format` xlsx (default: the header row, and a 填写说明 sheet with every column, whether it is required, what to fill and an example) or csv (the header row, UTF-8 with BOM). Columns: 类型, 标题, 摘要, 详细描述, 重点方向, 技术方向, 关键词, 部署方式, 最低报价(元), 最高报价(元), 实施周期(天), 服务区县, 案例客户, 案例区县, 案例年份, 案例成效.")
            .ProducesFile(TableFormats.XlsxContentType, TableFormats.CsvContentType)
            .WithProblems(400, 429);

        imports.MapPost("/", Upload)
            .RequireAuthorization(Policies.Integrator)
            .WithMetadata(new BodySizeLimit(limits.MaxUploadBytes))
            .Accepts<Stream>(TableFormats.XlsxContentType, UploadContentTypes)
            .WithName("UploadOfferingImport")
            .WithSummary("上传并检查或导入方案表格 (upload offerings as XLSX/CSV)")
            .WithDescription("Integrator only. The body is the file itself (XLSX or UTF-8 CSV in the template's layout, ≤ `Marketplace:Bulk:MaxUploadBytes`); `fileName` names it. Its Content-Type is one of the listed types (any other is a 415 naming them); the file is read as XLSX or CSV by its first bytes, whatever type it says. A file that isn't a readable table (checked up to its header row), or whose header row misses required columns or has unknown ones, is a 400 at once; damage further down (a broken quote, a cell over 32,767 characters) ends the job as failed with the reason. Otherwise the import runs as a job (202 with its Location; progress also at GET /api/v1/admin/jobs/{id}): every row is checked exactly as POST /api/v1/offerings checks an offering. `dryRun=true` (default) only reports the per-row errors (row, column, message in Chinese); `dryRun=false` creates the valid rows as drafts in one transaction — all of them or none — and, unless `skipInvalid=true`, refuses to import anything when a row is invalid. A formula, or text starting with = + - @, is a row error; so is a row identical to an earlier row or to an offering the integrator already has (a file uploaded again creates nothing new). An organization has at most `Marketplace:Bulk:MaxUnfinishedJobsPerOrganization` (default 5) imports and exports queued or running: one more is a 429 with Retry-After.")
            .WithAuthProblems().WithProblems(400, 413, 415);

        imports.MapGet("/{id}", GetImport)
            .RequireAuthorization()
            .WithName("GetOfferingImport")
            .WithSummary("导入任务 (an import and its outcome)")
            .WithDescription("The job's status and progress and, when done, rows read, valid and invalid rows, errors and drafts created (`result.refused` says why nothing was imported). The integrator that uploaded it and operators; others get 404.")
            .WithAuthProblems().WithProblems(404);

        imports.MapGet("/{id}/errors", Errors)
            .RequireAuthorization()
            .WithName("ListOfferingImportErrors")
            .WithSummary("逐行错误 (per-row errors)")
            .WithDescription("Every error found: spreadsheet row number (the header is row 1), column header and message in Chinese, in file order. Paged (pageSize ≤ 500, default 100). Same visibility as the import.")
            .WithAuthProblems().WithProblems(400, 404);

        imports.MapPost("/{id}/commit", Commit)
            .RequireAuthorization(Policies.Integrator)
            .WithName("CommitOfferingImport")
            .WithSummary("按检查结果导入 (import a checked file)")
            .WithDescription("The integrator that uploaded it: imports the file of a finished dry run as drafts, as a new job (202). With invalid rows it needs `skipInvalid=true` (409 otherwise) and imports the valid ones only; every draft is created in one transaction or none is. A dry run is imported once: 409 while another commit of it is queued, running or done (again only after that commit failed), when the dry run isn't finished, or when its file is no longer kept. An organization has at most `Marketplace:Bulk:MaxUnfinishedJobsPerOrganization` (default 5) imports and exports queued or running: one more is a 429 with Retry-After.")
            .WithAuthProblems().WithProblems(404, 409);

        var exportsGroup = app.MapGroup("/api/v1/exports").WithTags("Bulk files").RequireAuthorization(Policies.Operator);

        exportsGroup.MapPost("/", StartExport)
            .WithName("StartExport")
            .WithSummary("导出数据 (export as CSV/XLSX)")
            .WithDescription("Operator only. Exports the catalog (`offerings`), demand lists (`demand-lists`, one row per item), match events (`match-events`) or confirmed financing needs (`financing-needs`) as a job (202 with its Location); download the file from `downloadUrl` when it has succeeded. CSV is UTF-8 with BOM and RFC 4180 quoting; text starting with = + - @ is prefixed with ' so no spreadsheet runs it. Columns are fixed per kind (docs/bulk-files.md). Filters per kind: offerings `status`; demand-lists `status`, `district`; match-events and financing-needs `district`, `direction`, `from`, `to`; any other filter given is a 400 naming it, never ignored. An organization has at most `Marketplace:Bulk:MaxUnfinishedJobsPerOrganization` (default 5) imports and exports queued or running: one more is a 429 with Retry-After.")
            .WithAuthProblems().WithProblems(400, 413, 415);

        exportsGroup.MapGet("/{id}", GetExport)
            .WithName("GetExport")
            .WithSummary("导出任务 (an export and its outcome)")
            .WithDescription("Operator only. The job's status and progress (rows written) and, when done, rows, file name, size and the download URL.")
            .WithAuthProblems().WithProblems(404);

        exportsGroup.MapGet("/{id}/file", Download)
            .WithName("DownloadExport")
            .WithSummary("下载导出文件 (download the file)")
            .WithDescription("Operator only. The exported file; 409 while the export hasn't succeeded, 404 once it's no longer kept (`Marketplace:Bulk:RetentionDays`).")
            .ProducesFile(TableFormats.CsvContentType, TableFormats.XlsxContentType)
            .WithAuthProblems().WithProblems(404, 409);
        return app;
    }

    private static async Task<FileStreamHttpResult> Template([CodeList(CodeList.TableFormats)] string? format, CancellationToken ct)
    {
        var v = new Validator();
        var tableFormat = TableFormats.Parse(format, v, fallback: TableFormat.Xlsx);
        v.ThrowIfAny();
        var file = TempFiles.Create();
        await TableWriter.WriteAsync(file, tableFormat, OfferingImportTemplate.Sheets(), null, ct);
        file.Position = 0;
        return TypedResults.Stream(file, tableFormat.ContentType(), $"offering-import-template.{tableFormat.Code()}");
    }

    private static async Task<Accepted<OfferingImportResponse>> Upload(HttpRequest request, ClaimsPrincipal user, BulkJobStore bulk, IOptions<BulkOptions> options, bool? dryRun, bool? skipInvalid, string? fileName, CancellationToken ct)
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        var v = new Validator();
        // Only the name is kept, never a path a client might later use (../../x.csv → x.csv); it is one line.
        fileName = fileName is null ? null : fileName[(fileName.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        v.Text("fileName", fileName, 200);
        if (fileName is not null && fileName.Any(char.IsControl))
        {
            v.Add("fileName", "文件名不能含换行或控制字符 (a file name holds no line breaks or control characters).");
        }
        v.ThrowIfAny();
        await using var file = TempFiles.Create();
        var limit = options.Value.MaxUploadBytes;
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (file.Length + read > limit)
            {
                throw new PayloadTooLargeException($"文件不能超过 {limit} 字节 (files are limited to {limit} bytes).");
            }
            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
        if (file.Length == 0)
        {
            v.Add("file", "请求体应为要导入的 XLSX 或 CSV 文件 (the body must be the XLSX or CSV file).").ThrowIfAny();
        }
        file.Position = 0;
        var start = new byte[4];
        await file.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, ct);
        var format = TableReader.Sniff(start);
        if (mediaType == TableFormats.XlsxContentType && format != TableFormat.Xlsx)
        {
            v.Add("file", "Content-Type 为 XLSX，但文件不是 XLSX (the Content-Type says XLSX but the file isn't one).").ThrowIfAny();
        }
        file.Position = 0;
        try
        {
            using var reader = TableReader.Open(file, format);
            foreach (var problem in OfferingImportTemplate.HeaderProblems(reader.Headers))
            {
                v.Add("file", problem);
            }
        }
        catch (UnreadableTableException e)
        {
            v.Add("file", e.Message);
        }
        v.ThrowIfAny();
        file.Position = 0;
        var actor = user.GetActor();
        var id = await bulk.CreateAsync(actor, bulk.Node, JobKinds.OfferingImport, BulkOperations.OfferingImport,
            new ImportParameters(dryRun ?? true, skipInvalid ?? false, null), format, fileName is { Length: > 0 } ? fileName : null, file, null, ct);
        return TypedResults.Accepted($"/api/v1/offering-imports/{id}", await ImportAsync(actor, id, bulk, ct));
    }

    private static async Task<Ok<OfferingImportResponse>> GetImport(Guid id, ClaimsPrincipal user, BulkJobStore bulk, CancellationToken ct) =>
        TypedResults.Ok(await ImportAsync(user.GetActor(), id, bulk, ct));

    private static async Task<OfferingImportResponse> ImportAsync(Actor actor, Guid id, BulkJobStore bulk, CancellationToken ct)
    {
        var (job, details) = await bulk.GetAsync(actor, id, BulkOperations.OfferingImport, ct);
        return new OfferingImportResponse(id, details.FileName, details.Format, details.ParametersAs<ImportParameters>(), JobResponse.For(job),
            details.ResultAs<ImportResult>(), $"/api/v1/offering-imports/{id}/errors");
    }

    private const int ErrorsPageSizeMax = 500;

    private static async Task<Ok<PagedList<RowError>>> Errors(Guid id, ClaimsPrincipal user, BulkJobStore bulk, [Range(1, Paging.MaxPage)] int? page, [Range(1, ErrorsPageSizeMax)] int? pageSize, CancellationToken ct)
    {
        var v = new Validator();
        var p = page ?? 1;
        var size = pageSize ?? 100;
        v.Range("page", p, 1, Paging.MaxPage);
        v.Range("pageSize", size, 1, ErrorsPageSizeMax);
        v.ThrowIfAny();
        await bulk.GetAsync(user.GetActor(), id, BulkOperations.OfferingImport, ct);
        return TypedResults.Ok(await bulk.ErrorsAsync(id, p, size, ct));
    }

    private static async Task<Accepted<OfferingImportResponse>> Commit(Guid id, bool? skipInvalid, ClaimsPrincipal user, BulkJobStore bulk, CancellationToken ct)
    {
        var actor = user.GetActor();
        var (job, source) = await bulk.GetAsync(actor, id, BulkOperations.OfferingImport, ct);
        var parameters = source.ParametersAs<ImportParameters>();
        var result = source.ResultAs<ImportResult>();
        if (!parameters.DryRun || job.Status != JobStatuses.Succeeded || result is null)
        {
            throw new ConflictException("只能导入已完成检查的试导入 (only a finished dry run can be imported; check its status).");
        }
        if (result.InvalidRows > 0 && skipInvalid != true)
        {
            throw new ConflictException($"有 {result.InvalidRows} 行有错误；修正后重新上传，或用 skipInvalid=true 只导入正确的 {result.ValidRows} 行 " +
                $"({result.InvalidRows} rows are invalid: fix and upload again, or pass skipInvalid=true to import the {result.ValidRows} valid rows).");
        }
        if (!await bulk.HasFileAsync(source.FileJobId, FileNames.Upload, ct))
        {
            throw new ConflictException("上传的文件已不再保存，请重新上传 (the uploaded file is no longer kept; upload it again).");
        }
        var commitId = await bulk.CreateCommitAsync(actor, bulk.Node, JobKinds.OfferingImport, BulkOperations.OfferingImport,
            new ImportParameters(false, skipInvalid ?? false, id), source.TableFormat, source.FileName, source.FileJobId, id, ct);
        return TypedResults.Accepted($"/api/v1/offering-imports/{commitId}", await ImportAsync(actor, commitId, bulk, ct));
    }

    private static async Task<Accepted<ExportResponse>> StartExport(ExportRequest? request, ClaimsPrincipal user, BulkJobStore bulk,
        TaxonomyCatalog taxonomy, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validator();
        var kind = request?.Kind?.Trim();
        if (v.Required("kind", kind) && !ExportKinds.Codes.Contains(kind!))
        {
            v.Add("kind", $"未知的导出类型 '{kind}' (one of: {string.Join(", ", ExportKinds.Codes)}).");
        }
        var format = TableFormats.Parse(request?.Format, v);
        var status = request?.Status?.Trim();
        var allowed = kind is null ? [] : ExportKinds.StatusesOf(kind);
        if (status is not null && allowed.Count > 0 && !allowed.Contains(status))
        {
            v.Add("status", $"应为 {string.Join(" 或 ", allowed)} (one of: {string.Join(", ", allowed)}).");
        }
        if (kind is not null && ExportKinds.Codes.Contains(kind))
        {
            var filters = ExportKinds.FiltersOf(kind);
            foreach (var (field, given) in new[] { ("status", status is not null), ("district", request?.District is not null),
                         ("direction", request?.Direction is not null), ("from", request?.From is not null), ("to", request?.To is not null) })
            {
                if (given && !filters.Contains(field))
                {
                    v.Add(field, $"导出类型 {kind} 没有 {field} 筛选，未导出 (an export of {kind} has no {field} filter; it takes: {(filters.Count == 0 ? "none" : string.Join(", ", filters))}).");
                }
            }
        }
        TaxonomyChecks.OptionalDistrict(v, taxonomy, "district", request?.District);
        TaxonomyChecks.OptionalDirection(v, taxonomy, "direction", request?.Direction);
        v.DayRange(request?.From, request?.To);
        v.ThrowIfAny();
        var parameters = new ExportParameters(kind!, status, request!.District, request.Direction, request.From, request.To);
        var actor = user.GetActor();
        var id = await bulk.CreateAsync(actor, bulk.Node, JobKinds.Export, BulkOperations.Export, parameters, format,
            Exports.FileName(parameters, format, clock.GetUtcNow()), null, null, ct);
        return TypedResults.Accepted($"/api/v1/exports/{id}", await ExportAsync(actor, id, bulk, ct));
    }

    private static async Task<Ok<ExportResponse>> GetExport(Guid id, ClaimsPrincipal user, BulkJobStore bulk, CancellationToken ct) =>
        TypedResults.Ok(await ExportAsync(user.GetActor(), id, bulk, ct));

    private static async Task<ExportResponse> ExportAsync(Actor actor, Guid id, BulkJobStore bulk, CancellationToken ct)
    {
        var (job, details) = await bulk.GetAsync(actor, id, BulkOperations.Export, ct);
        return new ExportResponse(id, details.FileName, details.Format, details.ParametersAs<ExportParameters>(), JobResponse.For(job),
            details.ResultAs<ExportResult>(), job.Status == JobStatuses.Succeeded ? $"/api/v1/exports/{id}/file" : null);
    }

    private static async Task<FileStreamHttpResult> Download(Guid id, ClaimsPrincipal user, BulkJobStore bulk, CancellationToken ct)
    {
        var (job, details) = await bulk.GetAsync(user.GetActor(), id, BulkOperations.Export, ct);
        if (job.Status != JobStatuses.Succeeded)
        {
            throw new ConflictException($"导出尚未完成（状态 {job.Status}） (the export is {job.Status}; download it once it has succeeded).");
        }
        if (!await bulk.HasFileAsync(id, FileNames.Result, ct))
        {
            throw new NotFoundException("导出文件已不再保存，请重新导出 (the file is no longer kept; export again).");
        }
        // Chunks are copied to a scratch file first, so the response has a length and a failure can't cut it half-way.
        var file = TempFiles.Create();
        try
        {
            await bulk.CopyFileAsync(id, FileNames.Result, file, ct);
            file.Position = 0;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        return TypedResults.Stream(file, details.TableFormat.ContentType(), details.FileName ?? $"export.{details.TableFormat.Code()}");
    }
}
