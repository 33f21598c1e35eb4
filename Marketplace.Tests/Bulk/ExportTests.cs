using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Bulk;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Marketplace.Tests.Government;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Bulk.BulkHost;
using static Marketplace.Tests.Demands.DemandsHost;

namespace Marketplace.Tests.Bulk;

public class ExportTests
{
    private DemandsHost _host = null!;
    private Org _integrator = null!;
    private Org _enterprise = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _integrator = await _host.CreateOrganizationAsync("integrator");
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "璧山区");
        var revised = await _host.PublishOfferingAsync(_integrator);
        // Live, with a revision in draft: published in the export, the revision's state beside it.
        var edited = await ReviseAsync(_integrator, revised, OfferingBody(title: "修订中的方案"));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        // Text a spreadsheet would run as a formula, and text that needs quoting.
        await _host.PublishOfferingAsync(_integrator, OfferingBody(title: "=HYPERLINK(\"http://example.invalid\")", summary: "+10% 产能，\"省人\"\n两班倒变一班", keywords: ["@焊接", "-返工"]));
        await CreateListAsync(_enterprise, Item("车架焊接全靠人工，焊缝不均匀", "machinery"), Item("仓库账实不符"));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private async Task<byte[]> ExportAsync(object request)
    {
        var started = await _host.Operator().PostAsJsonAsync("/api/v1/exports", request);
        Assert.That(started.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await started.Content.ReadAsStringAsync());
        var export = await WaitAsync(_host.Operator(), started.Headers.Location!.ToString());
        Assert.That(export["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), export.ToJsonString());
        var file = await _host.Operator().GetAsync(export["downloadUrl"]!.GetValue<string>());
        Assert.That(file.StatusCode, Is.EqualTo(HttpStatusCode.OK), await file.Content.ReadAsStringAsync());
        Assert.That(file.Content.Headers.ContentDisposition!.FileName, Is.EqualTo(export["fileName"]!.GetValue<string>()));
        return await file.Content.ReadAsByteArrayAsync();
    }

    [Test]
    public async Task The_catalog_csv_parses_back_with_quoting_and_no_formulas()
    {
        var bytes = await ExportAsync(new { kind = "offerings", format = "csv" });

        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        var rows = FinancingTests.ParseCsv(bytes);
        var headers = rows[0];
        Assert.That(headers[..6], Is.EqualTo(new[] { "方案编号", "状态", "修订状态", "服务商编号", "服务商", "类型" }));
        Assert.That(rows, Has.Count.EqualTo(3));
        Assert.That(rows.Skip(1).Select(r => r[1]), Is.All.EqualTo("published"), "every exported offering is live");
        Assert.That(rows.Skip(1).Select(r => r[2]), Is.EquivalentTo(new[] { "draft", "" }), "one is being revised");
        var tricky = rows.Skip(1).Single(r => r[Array.IndexOf(headers, "标题")].Contains("HYPERLINK"));
        Assert.Multiple(() =>
        {
            Assert.That(tricky[Array.IndexOf(headers, "标题")], Is.EqualTo("'=HYPERLINK(\"http://example.invalid\")"));
            Assert.That(tricky[Array.IndexOf(headers, "摘要")], Is.EqualTo("'+10% 产能，\"省人\"\n两班倒变一班"));
            Assert.That(tricky[Array.IndexOf(headers, "重点方向")], Is.EqualTo("机械制造"));
            Assert.That(tricky[Array.IndexOf(headers, "最低报价(元)")], Is.EqualTo("200000"));
            Assert.That(rows.SelectMany(r => r).Where(c => c.Length > 0 && "=+-@".Contains(c[0])), Is.Empty);
        });
    }

    [Test]
    public async Task Demand_lists_and_match_events_export_as_xlsx()
    {
        using var lists = TableReader.Open(new MemoryStream(await ExportAsync(new { kind = "demand-lists", format = "xlsx" })), TableFormat.Xlsx);
        Assert.That(lists.Headers[0], Is.EqualTo("清单编号"));
        var items = lists.Rows().ToArray();
        Assert.That(items.Select(r => r.Cell(10)), Is.EquivalentTo(new[] { "车架焊接全靠人工，焊缝不均匀", "仓库账实不符" }));
        Assert.That(items.Select(r => r.Cell(5)).Distinct(), Is.EqualTo(new[] { "璧山区" }));

        using var events = TableReader.Open(new MemoryStream(await ExportAsync(new { kind = "match-events", format = "xlsx", district = "璧山区" })), TableFormat.Xlsx);
        var rows = events.Rows().ToArray();
        Assert.That(rows, Has.Length.EqualTo(2));
        Assert.That(rows.Select(r => r.Cell(3)).Distinct(), Is.EqualTo(new[] { "list-created" }));
        Assert.That(rows.Any(r => r.Cell(11) == "弧焊机器人工作站"), Is.True, "the first-ranked offering of the welding item");

        using var none = TableReader.Open(new MemoryStream(await ExportAsync(new { kind = "match-events", format = "xlsx", district = "江北区" })), TableFormat.Xlsx);
        Assert.That(none.Rows(), Is.Empty);
    }

    [Test]
    public async Task Bad_requests_and_roles()
    {
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "users" }), HttpStatusCode.BadRequest, "kind");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", format = "pdf" }), HttpStatusCode.BadRequest, "format");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", status = "open" }), HttpStatusCode.BadRequest, "status");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "match-events", from = "2025-02-01", to = "2025-01-01" }), HttpStatusCode.BadRequest, "to");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "demand-lists", district = "火星" }), HttpStatusCode.BadRequest, "district");
        // A filter the kind does not apply is refused: the file would have looked filtered and held everything.
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", direction = "food" }), HttpStatusCode.BadRequest, "direction");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", district = "璧山区" }), HttpStatusCode.BadRequest, "district");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "demand-lists", from = "2030-01-01" }), HttpStatusCode.BadRequest, "from");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "demand-lists", direction = "food" }), HttpStatusCode.BadRequest, "direction");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "financing-needs", status = "confirmed" }), HttpStatusCode.BadRequest, "status");
        // Days at the ends of the calendar are refused before a job exists (they failed inside the job before).
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "financing-needs", from = "0001-01-01" }), HttpStatusCode.BadRequest, "from");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/exports", new { kind = "match-events", to = "9999-12-31" }), HttpStatusCode.BadRequest, "to");
        foreach (var other in new[] { _integrator.Client, _enterprise.Client })
        {
            await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync("/api/v1/exports", new { kind = "offerings" }), HttpStatusCode.Forbidden);
        }
        await ProblemAssert.IsProblemAsync(await _host.Client().PostAsJsonAsync("/api/v1/exports", new { kind = "offerings" }), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync($"/api/v1/exports/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync($"/api/v1/exports/{Guid.NewGuid()}/file"), HttpStatusCode.NotFound);
    }
}
