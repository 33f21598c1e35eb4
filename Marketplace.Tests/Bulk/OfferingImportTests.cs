using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Bench.Bulk;
using Marketplace.Core.Bulk;
using Marketplace.Tests.Api;
using Marketplace.Tests.Government;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Bulk.BulkHost;

namespace Marketplace.Tests.Bulk;

public class OfferingImportTests
{
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = new MarketplaceApp(settings: new Dictionary<string, string?> { ["Marketplace:Bulk:MaxUploadBytes"] = "300000" });

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        DeleteDirectory(_app.DataDirectory);
    }

    [Test]
    public async Task A_csv_labelled_as_text_or_as_excel_is_read_by_its_bytes_and_the_document_lists_those_types()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        string[] types = ["text/plain", "application/vnd.ms-excel", "application/octet-stream", TableFormats.CsvContentType, TableFormats.XlsxContentType];

        foreach (var type in types.Take(2))
        {
            var import = await ImportAsync(integrator.Client, Csv(2), contentType: type);
            Assert.That(import["result"]!["rows"]!.GetValue<long>(), Is.EqualTo(2), type);
        }
        var document = JsonNode.Parse(await _app.Client().GetStringAsync("/openapi/v1.json"))!;
        var documented = document["paths"]!["/api/v1/offering-imports"]!["post"]!["requestBody"]!["content"]!.AsObject().Select(c => c.Key);
        Assert.That(documented, Is.EquivalentTo(types));
    }

    [Test]
    public async Task The_template_has_the_documented_columns_and_a_guide()
    {
        var xlsx = await _app.Client().GetAsync("/api/v1/offering-imports/template");
        var csv = await _app.Client().GetAsync("/api/v1/offering-imports/template?format=csv");

        Assert.That(xlsx.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(xlsx.Content.Headers.ContentType!.MediaType, Is.EqualTo(TableFormats.XlsxContentType));
        using var file = new MemoryStream(await xlsx.Content.ReadAsByteArrayAsync());
        using (var table = TableReader.Open(file, TableFormat.Xlsx))
        {
            Assert.That(table.Headers, Is.EqualTo(ImportFileGenerator.Headers));
            Assert.That(table.Rows(), Is.Empty);
        }
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(FinancingTests.ParseCsv(bytes).Single(), Is.EqualTo(ImportFileGenerator.Headers));
    }

    [Test]
    public async Task A_dry_run_reports_exactly_the_bad_rows_with_column_and_message_and_creates_nothing()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        int[] bad = [0, 6, 12, 13, 19];

        var import = await ImportAsync(integrator.Client, Csv(40, bad));

        Assert.That(import["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), import.ToJsonString());
        var result = import["result"]!;
        Assert.Multiple(() =>
        {
            Assert.That(result["rows"]!.GetValue<long>(), Is.EqualTo(40));
            Assert.That(result["validRows"]!.GetValue<long>(), Is.EqualTo(35));
            Assert.That(result["invalidRows"]!.GetValue<long>(), Is.EqualTo(5));
            Assert.That(result["created"]!.GetValue<long>(), Is.Zero);
        });
        var errors = await ErrorsAsync(integrator.Client, import);
        Assert.That(errors.Select(e => e!["rowNumber"]!.GetValue<long>()), Is.EqualTo(bad.Select(i => (long)i + 2)), "spreadsheet rows: the header is row 1");
        Assert.That(errors.Select(e => e!["columnName"]!.GetValue<string>()), Is.EqualTo(bad.Select(i => ImportFileGenerator.BadColumns[i % 5])));
        Assert.That(errors[0]!["message"]!.GetValue<string>(), Does.Contain("未知的重点方向 '采矿业'"));
        Assert.That(errors[2]!["message"]!.GetValue<string>(), Does.Contain("公式"));
        Assert.That(errors[3]!["message"]!.GetValue<string>(), Does.Contain("必填"));
        Assert.That(errors[4]!["message"]!.GetValue<string>(), Does.Contain("应为整数"));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.Zero);
    }

    [Test]
    public async Task A_finished_status_is_never_read_without_its_result()
    {
        // Regression (a CI failure): the details were read before the status, so a poll whose two reads straddled the
        // finishing commit read "succeeded" with no result. The window is narrow; tight polling of many jobs widens the
        // chance, and every WaitAsync checks the same rule.
        // Four integrators with five jobs each (an organization may have five unfinished at once).
        var integrators = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _app.CreateOrganizationAsync("integrator")));
        var jobs = integrators.SelectMany(i => Enumerable.Range(0, 5).Select(_ => i)).ToArray();
        var uploads = await Task.WhenAll(jobs.Select(i => UploadAsync(i.Client, Csv(20, 3))));

        var imports = await Task.WhenAll(uploads.Zip(jobs).Select(u => WaitAsync(u.Second.Client, u.First.Headers.Location!.ToString(), pollInterval: TimeSpan.Zero)));

        Assert.That(imports.Select(i => i["result"]!["rows"]!.GetValue<long>()), Is.All.EqualTo(20));
    }

    [Test]
    public async Task Numbers_are_read_as_people_and_spreadsheets_write_them_and_a_row_reports_all_its_problems()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var headers = ImportFileGenerator.Headers.ToList();
        int At(string header) => headers.IndexOf(header);
        var typed = ImportFileGenerator.Row(0, bad: false);
        typed[At("最低报价(元)")] = "１０００００"; // full-width digits from a Chinese input method
        typed[At("实施周期(天)")] = "30.000000000000004"; // a spreadsheet's floating-point noise, shown as 30
        typed[At("部署方式")] = "saas云服务"; // the taxonomy's SaaS 云服务, typed without its space
        var wrong = ImportFileGenerator.Row(1, bad: false);
        wrong[At("最低报价(元)")] = "-5";
        wrong[At("实施周期(天)")] = "三十";
        wrong[At("服务区县")] = "不存在区";
        using var file = new MemoryStream();
        ImportFileGenerator.WriteCsv(file, [typed, wrong]);

        var import = await ImportAsync(integrator.Client, file.ToArray());

        Assert.That(import["result"]!["validRows"]!.GetValue<long>(), Is.EqualTo(1), import.ToJsonString());
        var errors = (await ErrorsAsync(integrator.Client, import)).Select(e => (Row: e!["rowNumber"]!.GetValue<long>(),
            Column: e["columnName"]!.GetValue<string>(), Message: e["message"]!.GetValue<string>())).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => e.Row), Is.All.EqualTo(3));
            Assert.That(errors.Select(e => e.Column), Is.EquivalentTo(new[] { "最低报价(元)", "实施周期(天)", "服务区县" }), "every problem of the row at once");
            Assert.That(errors.Single(e => e.Column == "最低报价(元)").Message, Does.Not.Contain("公式"), "a negative number is no formula");
            Assert.That(errors.Single(e => e.Column == "实施周期(天)").Message, Does.Contain("应为整数"));
        });
    }

    [Test]
    public async Task A_cell_under_no_header_is_a_row_error_not_dropped()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var extra = ImportFileGenerator.Row(0, bad: false).Append("联系人：王工 13800000000").ToArray();
        var trailingBlank = ImportFileGenerator.Row(1, bad: false).Append("").ToArray();
        using var file = new MemoryStream();
        ImportFileGenerator.WriteCsv(file, [extra, trailingBlank]);

        var import = await ImportAsync(integrator.Client, file.ToArray());

        Assert.That(import["result"]!["validRows"]!.GetValue<long>(), Is.EqualTo(1), import.ToJsonString());
        var error = (await ErrorsAsync(integrator.Client, import)).Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(error["rowNumber"]!.GetValue<long>(), Is.EqualTo(2));
            Assert.That(error["columnName"]!.GetValue<string>(), Is.EqualTo($"第{ImportFileGenerator.Headers.Count + 1}列"));
            Assert.That(error["message"]!.GetValue<string>(), Does.StartWith("该列没有表头"));
        });
    }

    [Test]
    public async Task A_long_cell_is_quoted_shortened_in_its_row_error()
    {
        // A pasted paragraph in a code column: quoted whole, the message outgrew SQL Server's NVARCHAR(1000) and the whole job failed.
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var headers = ImportFileGenerator.Headers.ToList();
        var row = ImportFileGenerator.Row(0, bad: false);
        row[headers.IndexOf("类型")] = new string('类', 2000);
        row[headers.IndexOf("服务区县")] = new string('区', 1500);
        using var file = new MemoryStream();
        ImportFileGenerator.WriteCsv(file, [row]);

        var import = await ImportAsync(integrator.Client, file.ToArray());

        Assert.That(import["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), import.ToJsonString());
        var messages = (await ErrorsAsync(integrator.Client, import)).Select(e => e!["message"]!.GetValue<string>()).ToArray();
        Assert.That(messages, Has.Length.EqualTo(2));
        Assert.That(messages, Has.All.Length.LessThan(BulkJobStore.ErrorMessageMax));
        Assert.That(messages, Has.Some.Contains("未知的类型 '" + new string('类', 39) + "…'"));
    }

    [Test]
    public async Task Row_errors_are_the_apis_own_messages()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var body = OfferingBody(priceMin: 300_000, priceMax: 100_000);
        var api = await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsJsonAsync("/api/v1/offerings", body), HttpStatusCode.BadRequest, "priceMaxYuan");

        var import = await ImportAsync(integrator.Client, Csv(3, 1));

        var errors = await ErrorsAsync(integrator.Client, import);
        Assert.That(errors.Single()!["message"]!.GetValue<string>(), Is.EqualTo(api["errors"]!["priceMaxYuan"]![0]!.GetValue<string>()));
    }

    [Test]
    public async Task An_import_with_bad_rows_imports_nothing_unless_asked_to_skip_them()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");

        var refused = await ImportAsync(integrator.Client, Csv(30, 3, 8), "&dryRun=false");

        Assert.That(refused["job"]!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(refused["job"]!["error"]!.GetValue<string>(), Does.Contain("有 2 行有错误，未导入任何方案"));
        Assert.That(refused["result"]!["refused"]!.GetValue<string>(), Does.Contain("skipInvalid=true"));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.Zero);

        var skipped = await ImportAsync(integrator.Client, Csv(30, 3, 8), "&dryRun=false&skipInvalid=true");

        Assert.That(skipped["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), skipped.ToJsonString());
        Assert.That(skipped["result"]!["created"]!.GetValue<long>(), Is.EqualTo(28));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.EqualTo(28));
    }

    [Test]
    public async Task The_same_row_twice_in_a_file_is_reported_and_imported_once()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        using var file = new MemoryStream();
        ImportFileGenerator.WriteCsv(file, [ImportFileGenerator.Row(0, bad: false), ImportFileGenerator.Row(1, bad: false), ImportFileGenerator.Row(0, bad: false)]);

        var checkedFile = await ImportAsync(integrator.Client, file.ToArray());
        var error = (await ErrorsAsync(integrator.Client, checkedFile)).Single()!;
        Assert.Multiple(() =>
        {
            Assert.That(error["rowNumber"]!.GetValue<long>(), Is.EqualTo(4));
            Assert.That(error["message"]!.GetValue<string>(), Does.Contain("与第 2 行内容完全相同"));
        });

        var imported = await ImportAsync(integrator.Client, file.ToArray(), "&dryRun=false&skipInvalid=true");
        Assert.That(imported["result"]!["created"]!.GetValue<long>(), Is.EqualTo(2), imported.ToJsonString());
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.EqualTo(2));
    }

    [Test]
    public async Task A_file_imported_again_reports_every_row_the_integrator_has_and_creates_only_the_new_ones()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var first = await ImportAsync(integrator.Client, Csv(3), "&dryRun=false");
        Assert.That(first["result"]!["created"]!.GetValue<long>(), Is.EqualTo(3), first.ToJsonString());

        var again = await ImportAsync(integrator.Client, Csv(3), "&dryRun=false");

        Assert.That(again["result"]!["created"]!.GetValue<long>(), Is.Zero, again.ToJsonString());
        Assert.That(again["result"]!["invalidRows"]!.GetValue<long>(), Is.EqualTo(3));
        var errors = await ErrorsAsync(integrator.Client, again);
        Assert.That(errors.Select(e => e!["message"]!.GetValue<string>()), Has.All.Contains("与已有方案"));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.EqualTo(3));

        var grown = await ImportAsync(integrator.Client, Csv(5), "&dryRun=false&skipInvalid=true");
        Assert.That(grown["result"]!["created"]!.GetValue<long>(), Is.EqualTo(2), grown.ToJsonString());
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.EqualTo(5));
        // Another integrator's identical rows are its own offerings.
        var other = await _app.CreateOrganizationAsync("integrator");
        Assert.That((await ImportAsync(other.Client, Csv(3), "&dryRun=false"))["result"]!["created"]!.GetValue<long>(), Is.EqualTo(3));
    }

    [Test]
    public async Task A_checked_file_is_imported_as_drafts_only_when_asked()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var dryRun = await ImportAsync(integrator.Client, Xlsx(25, 2, 4), contentType: TableFormats.XlsxContentType);
        var id = dryRun["id"]!.GetValue<string>();
        Assert.That(dryRun["result"]!["invalidRows"]!.GetValue<long>(), Is.EqualTo(2));
        var errors = await ErrorsAsync(integrator.Client, dryRun);
        Assert.That(errors[0]!["message"]!.GetValue<string>(), Does.Contain("公式"), "a real XLSX formula cell");

        await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsync($"/api/v1/offering-imports/{id}/commit", null), HttpStatusCode.Conflict);
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.Zero);
        var other = await _app.CreateOrganizationAsync("integrator");
        await ProblemAssert.IsProblemAsync(await other.Client.PostAsync($"/api/v1/offering-imports/{id}/commit?skipInvalid=true", null), HttpStatusCode.NotFound);

        var commit = await integrator.Client.PostAsync($"/api/v1/offering-imports/{id}/commit?skipInvalid=true", null);
        Assert.That(commit.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await commit.Content.ReadAsStringAsync());
        var imported = await WaitAsync(integrator.Client, commit.Headers.Location!.ToString());

        Assert.That(imported["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), imported.ToJsonString());
        Assert.That(imported["parameters"]!["sourceJobId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(imported["result"]!["created"]!.GetValue<long>(), Is.EqualTo(23));
        var drafts = await integrator.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me&pageSize=100");
        Assert.That(drafts!["items"]!.AsArray().Select(o => o!["status"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { "draft" }));
        var first = drafts["items"]!.AsArray().First(o => o!["title"]!.GetValue<string>() == "焊接机器人工作站 第0号")!;
        Assert.That(first["subDirections"]![0]!.GetValue<string>(), Is.EqualTo("machinery.welding"), "names are turned into codes");
        Assert.That(first["deployment"]!.GetValue<string>(), Is.EqualTo("hardware"));
        Assert.That(first["cases"]![0]!["year"]!.GetValue<int>(), Is.EqualTo(2024));
        var history = await integrator.Client.GetFromJsonAsync<JsonObject>($"/api/v1/offerings/{first["id"]}/history");
        Assert.That(history!["events"]![0]!["detail"]!.GetValue<string>(), Does.Contain("imported: row 2"));
        // The job endpoint reports the integrator's own jobs.
        var job = await integrator.Client.GetAsync($"/api/v1/admin/jobs/{imported["id"]}");
        Assert.That(job.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadJsonAsync(job))["processed"]!.GetValue<long>(), Is.EqualTo(23));
        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync($"/api/v1/admin/jobs/{imported["id"]}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsync($"/api/v1/offering-imports/{imported["id"]}/commit", null), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_dry_run_is_imported_once_however_often_and_however_fast_its_commit_is_sent()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var dryRun = await ImportAsync(integrator.Client, Csv(3));
        var commitUrl = $"/api/v1/offering-imports/{dryRun["id"]}/commit";

        var racing = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => integrator.Client.PostAsync(commitUrl, null)));
        var accepted = racing.Where(r => r.StatusCode == HttpStatusCode.Accepted).ToArray();
        Assert.That(accepted, Has.Length.EqualTo(1), string.Join(", ", racing.Select(r => (int)r.StatusCode)));
        foreach (var refused in racing.Except(accepted))
        {
            await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict);
        }
        var imported = await WaitAsync(integrator.Client, accepted[0].Headers.Location!.ToString());
        Assert.That(imported["result"]!["created"]!.GetValue<long>(), Is.EqualTo(3));

        var again = await integrator.Client.PostAsync(commitUrl, null);
        var problem = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("already imported"));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.EqualTo(3), "each row imported once");
    }

    [Test]
    public async Task A_csv_saved_in_GBK_is_refused_with_how_to_save_it_as_UTF8()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var gbk = Encoding.GetEncoding(936).GetBytes(Encoding.UTF8.GetString(Csv(2)).TrimStart('\uFEFF'));

        var problem = await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, gbk), HttpStatusCode.BadRequest, "file");

        var messages = problem["errors"]!["file"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
        Assert.That(messages, Has.One.Contains("文件不是 UTF-8 编码").And.Contains("CSV UTF-8"));
        Assert.That(messages, Has.None.Contains("未知的列"), "no list of garbled headers");
    }

    [Test]
    public async Task Bad_files_are_refused_at_once()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        using var wrongHeaders = new MemoryStream();
        ImportFileGenerator.WriteCsv(wrongHeaders, ImportFileGenerator.Rows(2, new HashSet<int>()), ["类型", "名称", "摘要", "详细描述", "重点方向", "部署方式", "最低报价(元)", "最高报价(元)", "实施周期(天)", "服务区县", "备注"]);

        var problem = await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, wrongHeaders.ToArray()), HttpStatusCode.BadRequest, "file");

        var messages = problem["errors"]!["file"]!.AsArray().Select(m => m!.GetValue<string>()).ToArray();
        Assert.That(messages, Has.Some.Contains("缺少必填列：标题"));
        Assert.That(messages, Has.Some.Contains("未知的列：名称、备注"));
        await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, Encoding.UTF8.GetBytes("not a workbook"), contentType: TableFormats.XlsxContentType), HttpStatusCode.BadRequest, "file");
        await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, [0x50, 0x4B, 0x03, 0x04, 0x00], contentType: TableFormats.XlsxContentType), HttpStatusCode.BadRequest, "file");
        await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, []), HttpStatusCode.BadRequest, "file");
        var json = await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, Csv(2), contentType: "application/json"), HttpStatusCode.UnsupportedMediaType);
        Assert.That(json["detail"]!.GetValue<string>(), Does.Contain("text/csv").And.Contain(TableFormats.XlsxContentType).And.Not.Contain("application/json"),
            "the 415 names the types the upload takes");
        await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, Csv(1_000)), HttpStatusCode.RequestEntityTooLarge);
        await ProblemAssert.IsProblemAsync(await UploadAsync(integrator.Client, Encoding.UTF8.GetBytes("类型,标题\n\"unclosed,x\n")), HttpStatusCode.BadRequest, "file");
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.Zero);
    }

    [Test]
    public async Task Damaged_or_oversized_workbooks_are_refused_at_once_without_unpacking_them()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        async Task Refused(byte[] file) => await ProblemAssert.IsProblemAsync(
            await UploadAsync(integrator.Client, file, contentType: TableFormats.XlsxContentType), HttpStatusCode.BadRequest, "file");

        // A zip whose worksheet is not XML.
        await Refused(Rewritten(Xlsx(2), "xl/worksheets/sheet1.xml", w => w.Write("not xml <<‹")));
        // A header cell longer than a spreadsheet program writes.
        var longCell = $"""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{new string('长', TableReader.MaxCellChars + 1)}</t></is></c></row></sheetData></worksheet>""";
        await Refused(Rewritten(Xlsx(2), "xl/worksheets/sheet1.xml", w => w.Write(longCell)));
        // A small file with a part that unpacks to more than the limit (zeros compress about a thousandfold).
        await Refused(Rewritten(Xlsx(2), "xl/media/padding.bin", w =>
        {
            var zeros = new char[1024 * 1024];
            for (var mb = 0; mb <= TableReader.MaxXlsxPartBytes / zeros.Length; mb++)
            {
                w.Write(zeros);
            }
        }));
        Assert.That(await OwnOfferingsAsync(integrator.Client), Is.Zero);
    }

    [Test]
    public async Task A_file_name_is_kept_without_its_path_and_never_holds_a_line_break()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        async Task<HttpResponseMessage> Upload(string name) => await integrator.Client.PostAsync(
            "/api/v1/offering-imports?fileName=" + Uri.EscapeDataString(name), new ByteArrayContent(Csv(2)) { Headers = { ContentType = new("text/csv") } });

        var accepted = await Upload("../../../../tmp/我的方案.csv");
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
        Assert.That((await MarketplaceApp.ReadJsonAsync(accepted))["fileName"]!.GetValue<string>(), Is.EqualTo("我的方案.csv"));
        await ProblemAssert.IsProblemAsync(await Upload("a\r\nX-Injected: 1.csv"), HttpStatusCode.BadRequest, "fileName");
    }

    /// <summary>The workbook with one part written anew (added when it isn't there).</summary>
    private static byte[] Rewritten(byte[] xlsx, string part, Action<StreamWriter> write)
    {
        using var copy = new MemoryStream();
        copy.Write(xlsx);
        using (var zip = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            zip.GetEntry(part)?.Delete();
            using var writer = new StreamWriter(zip.CreateEntry(part, CompressionLevel.SmallestSize).Open());
            write(writer);
        }
        return copy.ToArray();
    }

    [Test]
    public async Task Roles()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var other = await _app.CreateOrganizationAsync("integrator");

        await ProblemAssert.IsProblemAsync(await UploadAsync(_app.Client(), Csv(2)), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await UploadAsync(enterprise.Client, Csv(2)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await UploadAsync(_app.Operator(), Csv(2)), HttpStatusCode.Forbidden);
        var import = await ImportAsync(integrator.Client, Csv(2));
        var url = $"/api/v1/offering-imports/{import["id"]}";
        Assert.That((await _app.Operator().GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _app.Operator().GetAsync(url + "/errors")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await other.Client.GetAsync(url + "/errors"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await enterprise.Client.GetAsync(url), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await integrator.Client.GetAsync(url + "/errors?pageSize=501"), HttpStatusCode.BadRequest, "pageSize");
    }
}
