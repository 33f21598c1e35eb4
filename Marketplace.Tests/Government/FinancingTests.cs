using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CsvHelper;
using Marketplace.Core.Bulk;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Government;

public class FinancingTests
{
    public static readonly string[] ExportHeaders =
    [
        "需求编号", "区县", "企业名称", "统一社会信用代码", "所属行业", "企业规模", "技改项目", "关联对接编号", "重点方向",
        "计划投资(元)", "融资金额(元)", "融资期限(月)", "资金用途", "预期效益", "提交时间", "确认时间",
    ];

    private GovernmentHost _host = null!;
    private string _projectId = null!;
    private string _otherProjectId = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new GovernmentHost();
        await _host.StartAsync();
        _projectId = (await _host.CreateProjectAsync(investment: 2_400_000)).Project["id"]!.GetValue<string>();
        _otherProjectId = (await _host.CreateProjectAsync(_host.OtherDistrictOffice, _host.OtherEnterprise, direction: "food", subDirections: [])).Project["id"]!.GetValue<string>();
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static object Need(string? projectId, string purpose = "购置弧焊机器人工作站 3 套", long amount = 1_500_000, Guid? engagementId = null) => new
    {
        planProjectId = projectId, engagementId, amountYuan = amount, termMonths = 36, purpose, expectedBenefits = "焊接返工率下降一半，每年节省人工 60 万元",
    };

    private async Task<(JsonObject Need, string ETag)> CreateAsync(GovernmentHost host, MarketplaceApp.Org enterprise, string projectId, object? body = null)
    {
        var response = await enterprise.Client.PostAsJsonAsync("/api/v1/financing-needs", body ?? Need(projectId));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    private static Task<HttpResponseMessage> ConfirmAsync(HttpClient district, string needUrl, string etag) =>
        district.SendAsync(WithIfMatch(HttpMethod.Post, needUrl + "/confirm", etag));

    private async Task<string> CreateConfirmedAsync(object? body = null)
    {
        var (need, etag) = await CreateAsync(_host, _host.Enterprise, _projectId, body);
        var id = need["id"]!.GetValue<string>();
        var confirmed = await ConfirmAsync(_host.District.Client, $"/api/v1/financing-needs/{id}", etag);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await confirmed.Content.ReadAsStringAsync());
        return id;
    }

    [Test]
    public async Task An_enterprise_attaches_a_need_to_its_project_and_its_district_confirms_it()
    {
        var (need, etag) = await CreateAsync(_host, _host.Enterprise, _projectId);
        var url = $"/api/v1/financing-needs/{need["id"]}";

        Assert.That(etag, Is.EqualTo("\"1\""));
        Assert.That(need["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        Assert.That(need["planProjectTitle"]!.GetValue<string>(), Is.EqualTo("车架焊接自动化改造"));
        Assert.That(need["directions"]![0]!.GetValue<string>(), Is.EqualTo("machinery"));
        foreach (var stranger in new[] { _host.OtherDistrictOffice.Client, _host.OtherEnterprise.Client, _host.Integrator.Client, _host.Assessor.Client, _host.Center.Client })
        {
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url), HttpStatusCode.NotFound);
        }
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.PostAsync(url + "/confirm", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.PostAsync(url + "/confirm", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsync(url + "/confirm", null), HttpStatusCode.Forbidden);

        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsync(url + "/confirm", null), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await ConfirmAsync(_host.District.Client, url, "*"), HttpStatusCode.PreconditionRequired);
        var confirmed = await ReadJsonAsync(await ConfirmAsync(_host.District.Client, url, etag));
        Assert.That(confirmed["status"]!.GetValue<string>(), Is.EqualTo("confirmed"));
        Assert.That(confirmed["confirmedAt"], Is.Not.Null);
        await ProblemAssert.IsProblemAsync(await ConfirmAsync(_host.District.Client, url, "\"2\""), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"2\"", Need(_projectId))), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_need_is_not_submitted_with_the_key_the_district_office_handed_over()
    {
        // The office registering an enterprise it surveyed receives the enterprise's first key: with it, it could submit a
        // need as the enterprise and confirm it itself, and the two-party check before the banks' list would be one party.
        var registered = await _host.District.Client.PostAsJsonAsync("/api/v1/organizations", OrganizationBody("enterprise", district: GovernmentHost.HomeDistrict));
        Assert.That(registered.StatusCode, Is.EqualTo(HttpStatusCode.Created), await registered.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(registered);
        var enterpriseId = Guid.Parse(json["organization"]!["id"]!.GetValue<string>());
        var handedOver = new Org(enterpriseId, json["apiKey"]!.GetValue<string>(), _host.App.Client(json["apiKey"]!.GetValue<string>()));
        var projectId = (await _host.CreateProjectAsync(enterprise: handedOver)).Project["id"]!.GetValue<string>();

        var refused = await handedOver.Client.PostAsJsonAsync("/api/v1/financing-needs", Need(projectId));

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Conflict);
        Assert.That(await refused.Content.ReadAsStringAsync(), Does.Contain($"/api/v1/organizations/{enterpriseId}/api-keys/rotate"));
        // A key added with the handed-over one is marked as it is (the enterprise's own would keep working, unnoticed).
        var added = await handedOver.Client.PostAsync($"/api/v1/organizations/{enterpriseId}/api-keys", null);
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), await added.Content.ReadAsStringAsync());
        var second = _host.App.Client((await ReadJsonAsync(added))["apiKey"]!.GetValue<string>());
        await ProblemAssert.IsProblemAsync(await second.PostAsJsonAsync("/api/v1/financing-needs", Need(projectId)), HttpStatusCode.Conflict);
        // Nor is the enterprise's name disclosed with it: the choice would not certainly be the enterprise's.
        await ProblemAssert.IsProblemAsync(await second.PutAsJsonAsync("/api/v1/organizations/me/name-disclosure", new { discloseName = true }), HttpStatusCode.Conflict);

        var rotated = await handedOver.Client.PostAsync($"/api/v1/organizations/{enterpriseId}/api-keys/rotate", null);
        var own = new Org(enterpriseId, "", _host.App.Client((await ReadJsonAsync(rotated))["apiKey"]!.GetValue<string>()));
        var (need, etag) = await CreateAsync(_host, own, projectId);
        var confirmed = await ConfirmAsync(_host.District.Client, $"/api/v1/financing-needs/{need["id"]}", etag);
        Assert.That(confirmed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await confirmed.Content.ReadAsStringAsync());
        Assert.That((await second.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the rotation revoked the added key too");
        Assert.That((await own.Client.PutAsJsonAsync("/api/v1/organizations/me/name-disclosure", new { discloseName = true })).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        // An enterprise an operator registered: its key went to no district office.
        var (ordinary, ordinaryETag) = await CreateAsync(_host, _host.Enterprise, _projectId);
        Assert.That((await ConfirmAsync(_host.District.Client, $"/api/v1/financing-needs/{ordinary["id"]}", ordinaryETag)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_returned_need_is_edited_and_so_resubmitted()
    {
        var (need, _) = await CreateAsync(_host, _host.Enterprise, _projectId);
        var url = $"/api/v1/financing-needs/{need["id"]}";

        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync(url + "/return", new { }), HttpStatusCode.BadRequest, "reason");
        var returned = await ReadJsonAsync(await _host.District.Client.PostAsJsonAsync(url + "/return", new { reason = "请补充预期效益的测算依据" }));
        Assert.That(returned["status"]!.GetValue<string>(), Is.EqualTo("returned"));
        Assert.That(returned["returnReason"]!.GetValue<string>(), Is.EqualTo("请补充预期效益的测算依据"));
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.PutAsJsonAsync(url, Need(_projectId)), HttpStatusCode.PreconditionRequired);
        var edited = await _host.Enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"2\"", Need(_projectId, amount: 1_200_000)));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(edited);
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        Assert.That(json["returnReason"], Is.Null);
        Assert.That(json["amountYuan"]!.GetValue<long>(), Is.EqualTo(1_200_000));
    }

    [Test]
    public async Task A_need_can_be_attached_to_an_engagement_of_the_enterprise()
    {
        await _host.App.PublishOfferingAsync(_host.Integrator);
        await _host.App.WaitForIndexingAsync();
        var diagnosis = await _host.DiagnoseAsync((await _host.CreateProjectAsync()).Project["id"]!.GetValue<string>());
        var engagementId = Guid.Parse(await _host.OpenEngagementAsync(diagnosis));

        var (need, _) = await CreateAsync(_host, _host.Enterprise, _projectId, Need(null, engagementId: engagementId));
        var (pending, pendingETag) = await CreateAsync(_host, _host.Enterprise, _projectId, Need(null, "对接项目贷款", engagementId: engagementId));

        Assert.That(need["engagementId"]!.GetValue<string>(), Is.EqualTo(engagementId.ToString()));
        Assert.That(need["directions"]![0]!.GetValue<string>(), Is.EqualTo("machinery"), "the engaged offering's directions");
        await ProblemAssert.IsProblemAsync(await _host.OtherEnterprise.Client.PostAsJsonAsync("/api/v1/financing-needs", Need(null, engagementId: engagementId)),
            HttpStatusCode.BadRequest, "engagementId");

        // Withdrawn, it ended without a project: no financing need can rest on it.
        var etag = (await _host.Enterprise.Client.GetAsync($"/api/v1/engagements/{engagementId}")).Headers.ETag!.ToString();
        var withdrawn = await _host.Enterprise.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Post, $"/api/v1/engagements/{engagementId}/transitions", etag,
            new { action = "withdraw", reason = "改用其他方案" }));
        Assert.That(withdrawn.StatusCode, Is.EqualTo(HttpStatusCode.OK), await withdrawn.Content.ReadAsStringAsync());
        var problem = await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.PostAsJsonAsync("/api/v1/financing-needs", Need(null, engagementId: engagementId)),
            HttpStatusCode.BadRequest, "engagementId");
        Assert.That(problem["errors"]!["engagementId"]![0]!.GetValue<string>(), Does.StartWith("对接已结束且未验收"));

        // A need submitted before the engagement ended is not confirmed onto the banks' list; it can be returned.
        var pendingUrl = $"/api/v1/financing-needs/{pending["id"]}";
        var refused = await ProblemAssert.IsProblemAsync(await ConfirmAsync(_host.District.Client, pendingUrl, pendingETag), HttpStatusCode.Conflict);
        Assert.That(refused["detail"]!.GetValue<string>(), Does.StartWith("关联的对接已结束且未验收"));
        Assert.That((await ReadJsonAsync(await _host.District.Client.GetAsync(pendingUrl)))["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        var returned = await _host.District.Client.PostAsJsonAsync(pendingUrl + "/return", new { reason = "对接已撤回" });
        Assert.That(returned.StatusCode, Is.EqualTo(HttpStatusCode.OK), await returned.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task A_district_confirms_the_version_it_reviewed_not_one_the_enterprise_edited_since()
    {
        var (need, reviewed) = await CreateAsync(_host, _host.Enterprise, _projectId);
        var url = $"/api/v1/financing-needs/{need["id"]}";
        var edited = await _host.Enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, reviewed, Need(_projectId, amount: 9_000_000)));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());

        await ProblemAssert.IsProblemAsync(await ConfirmAsync(_host.District.Client, url, reviewed), HttpStatusCode.PreconditionFailed);

        Assert.That((await ReadJsonAsync(await _host.District.Client.GetAsync(url)))["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
    }

    [Test]
    public async Task A_need_whose_project_was_abandoned_after_it_was_submitted_is_not_confirmed()
    {
        var projectId = (await _host.CreateProjectAsync()).Project["id"]!.GetValue<string>();
        var (need, etag) = await CreateAsync(_host, _host.Enterprise, projectId, Need(projectId));
        await GovernmentHost.MoveAsync(_host.District.Client, projectId, "abandoned", reason: "企业放弃");
        var url = $"/api/v1/financing-needs/{need["id"]}";

        var refused = await ProblemAssert.IsProblemAsync(await ConfirmAsync(_host.District.Client, url, etag), HttpStatusCode.Conflict);

        Assert.That(refused["detail"]!.GetValue<string>(), Does.StartWith("关联的计划项目已放弃"));
        Assert.That((await ReadJsonAsync(await _host.District.Client.GetAsync(url)))["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        var export = await _host.District.Client.GetStringAsync("/api/v1/financing-needs/export?format=csv");
        Assert.That(export, Does.Not.Contain(need["id"]!.GetValue<string>()));
    }

    [Test]
    public async Task Bad_needs_are_400_with_the_field()
    {
        var client = _host.Enterprise.Client;
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(_otherProjectId)), HttpStatusCode.BadRequest, "planProjectId");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(null)), HttpStatusCode.BadRequest, "planProjectId");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(_projectId, engagementId: Guid.NewGuid())), HttpStatusCode.BadRequest, "planProjectId");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(null, engagementId: Guid.NewGuid())), HttpStatusCode.BadRequest, "engagementId");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(_projectId, amount: 0)), HttpStatusCode.BadRequest, "amountYuan");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", new { planProjectId = _projectId, amountYuan = 1, termMonths = 400, purpose = "x", expectedBenefits = "y" }), HttpStatusCode.BadRequest, "termMonths");
        await ProblemAssert.IsProblemAsync(await client.PostAsJsonAsync("/api/v1/financing-needs", Need(_projectId, purpose: " ")), HttpStatusCode.BadRequest, "purpose");
        await ProblemAssert.IsProblemAsync(await _host.Integrator.Client.PostAsJsonAsync("/api/v1/financing-needs", Need(_projectId)), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/financing-needs", Need(_projectId)), HttpStatusCode.Forbidden);
    }

    /// <summary>A confirmed need is final: the bank's export shows the project as the office confirmed it, whatever the plan says later.</summary>
    [Test]
    public async Task A_confirmed_need_keeps_its_project_as_confirmed_after_the_plan_is_edited()
    {
        var (project, projectETag) = await _host.CreateProjectAsync(title: "涂装线改造（确认前）", investment: 3_300_000);
        var projectId = project["id"]!.GetValue<string>();
        var (need, etag) = await CreateAsync(_host, _host.Enterprise, projectId);
        var (submitted, _) = await CreateAsync(_host, _host.Enterprise, projectId, Need(projectId, purpose: "另一笔，尚未确认"));
        var url = $"/api/v1/financing-needs/{need["id"]!.GetValue<string>()}";
        Assert.That((await ConfirmAsync(_host.District.Client, url, etag)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var edited = GovernmentHost.ProjectBody(_host.Enterprise.Id, title: "涂装线改造（改名后）", investment: 1);
        var put = await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/plan-projects/{projectId}", projectETag, edited));
        Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK), await put.Content.ReadAsStringAsync());

        var confirmed = await _host.District.Client.GetFromJsonAsync<JsonObject>(url);
        var open = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/financing-needs/{submitted["id"]!.GetValue<string>()}");
        var export = await _host.District.Client.GetStringAsync("/api/v1/financing-needs/export?format=csv");
        var row = export.Split("\r\n").Single(l => l.Contains(need["id"]!.GetValue<string>(), StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(confirmed!["planProjectTitle"]!.GetValue<string>(), Is.EqualTo("涂装线改造（确认前）"));
            Assert.That(row, Does.Contain("涂装线改造（确认前）").And.Contain("3300000"));
            Assert.That(open!["planProjectTitle"]!.GetValue<string>(), Is.EqualTo("涂装线改造（改名后）"), "a need not confirmed follows its project");
        });
    }

    [Test]
    public async Task The_csv_export_opens_in_a_spreadsheet_with_quoting_and_no_formulas()
    {
        var tricky = "用途：购置设备，含\"弧焊\"机器人\n第二行说明";
        var formula = "=HYPERLINK(\"http://example.invalid\",\"点击\")";
        var id = await CreateConfirmedAsync(Need(_projectId, purpose: tricky));
        var injected = await CreateConfirmedAsync(Need(_projectId, purpose: formula));
        foreach (var prefix in new[] { "+1+1", "-2+3", "@SUM(1)" })
        {
            await CreateConfirmedAsync(Need(_projectId, purpose: prefix));
        }
        await CreateAsync(_host, _host.Enterprise, _projectId, Need(_projectId, purpose: "未确认的不导出"));

        var response = await _host.District.Client.GetAsync("/api/v1/financing-needs/export?format=csv");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("text/csv"));
        Assert.That(response.Content.Headers.ContentDisposition!.FileName, Does.EndWith(".csv"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.That(bytes.Take(3), Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }), "UTF-8 byte order mark for Excel");
        var rows = ParseCsv(bytes);
        Assert.That(rows[0], Is.EqualTo(ExportHeaders));
        var byId = rows.Skip(1).ToDictionary(r => r[0]);
        Assert.Multiple(() =>
        {
            Assert.That(byId[id][12], Is.EqualTo(tricky), "commas, quotes and line breaks survive");
            Assert.That(byId[id][1], Is.EqualTo(GovernmentHost.HomeDistrict));
            Assert.That(byId[id][2], Is.EqualTo("重庆璧丰摩托车配件有限公司"));
            Assert.That(byId[id][8], Is.EqualTo("机械制造"));
            Assert.That(byId[id][9], Is.EqualTo("2400000"));
            Assert.That(byId[id][10], Is.EqualTo("1500000"));
            Assert.That(byId[id][11], Is.EqualTo("36"));
            Assert.That(byId[injected][12], Is.EqualTo("'" + formula), "a formula is written as text");
            Assert.That(rows.Skip(1).Select(r => r[12]).Where(p => p.Length > 0 && "=+-@".Contains(p[0])), Is.Empty, "no cell starts with = + - @");
            Assert.That(rows.Skip(1).Select(r => r[12]), Does.Not.Contain("未确认的不导出"));
        });
    }

    [Test]
    public async Task The_xlsx_export_has_the_same_fixed_columns()
    {
        var id = await CreateConfirmedAsync(Need(_projectId, purpose: "XLSX 导出", amount: 880_000));

        var response = await _host.Operator().GetAsync($"/api/v1/financing-needs/export?format=xlsx&district={Uri.EscapeDataString(GovernmentHost.HomeDistrict)}&direction=machinery");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo(TableFormats.XlsxContentType));
        using var file = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        using var table = TableReader.Open(file, TableFormat.Xlsx);
        Assert.That(table.Headers, Is.EqualTo(ExportHeaders));
        var row = table.Rows().Single(r => r.Cell(0) == id);
        Assert.That(row.Cell(10), Is.EqualTo("880000"));
        Assert.That(row.Cell(12), Is.EqualTo("XLSX 导出"));
    }

    [Test]
    public async Task Export_filters_and_scopes()
    {
        await CreateConfirmedAsync();
        var (other, otherETag) = await CreateAsync(_host, _host.OtherEnterprise, _otherProjectId);
        Assert.That((await ConfirmAsync(_host.OtherDistrictOffice.Client, $"/api/v1/financing-needs/{other["id"]}", otherETag)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        async Task<string[]> Districts(HttpClient client, string query)
        {
            var response = await client.GetAsync("/api/v1/financing-needs/export?format=csv" + query);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            return ParseCsv(await response.Content.ReadAsByteArrayAsync()).Skip(1).Select(r => r[1]).Distinct().Order().ToArray();
        }

        var today = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM-dd");
        var tomorrow = DateTime.UtcNow.AddHours(8).AddDays(1).ToString("yyyy-MM-dd");
        {
            Assert.That(await Districts(_host.Operator(), ""), Is.EqualTo(new[] { GovernmentHost.OtherDistrict, GovernmentHost.HomeDistrict }.Order().ToArray()));
            Assert.That(await Districts(_host.Operator(), "&direction=food"), Is.EqualTo(new[] { GovernmentHost.OtherDistrict }));
            Assert.That(await Districts(_host.OtherDistrictOffice.Client, ""), Is.EqualTo(new[] { GovernmentHost.OtherDistrict }),
                "a district office exports its own district only");
            Assert.That(await Districts(_host.OtherDistrictOffice.Client, $"&district={Uri.EscapeDataString(GovernmentHost.OtherDistrict)}"), Is.EqualTo(new[] { GovernmentHost.OtherDistrict }));
            // Another district is refused, not answered with the office's own rows.
            var refused = await ProblemAssert.IsProblemAsync(
                await _host.OtherDistrictOffice.Client.GetAsync($"/api/v1/financing-needs/export?format=csv&district={Uri.EscapeDataString(GovernmentHost.HomeDistrict)}"),
                HttpStatusCode.Forbidden);
            Assert.That(refused["detail"]!.GetValue<string>(), Does.Contain(GovernmentHost.OtherDistrict));
            Assert.That(await Districts(_host.Operator(), $"&from={today}&to={today}"), Has.Length.EqualTo(2));
            Assert.That(await Districts(_host.Operator(), $"&from={tomorrow}"), Is.Empty);
        }
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.GetAsync("/api/v1/financing-needs/export"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync("/api/v1/financing-needs/export?format=pdf"), HttpStatusCode.BadRequest, "format");
        await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync($"/api/v1/financing-needs/export?from={tomorrow}&to={today}"), HttpStatusCode.BadRequest, "to");
        foreach (var path in new[] { "/api/v1/financing-needs", "/api/v1/financing-needs/export" })
        {
            // The ends of the calendar overflowed when the China-time day was turned into UTC (a 500 before).
            await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync($"{path}?from=0001-01-01"), HttpStatusCode.BadRequest, "from");
            await ProblemAssert.IsProblemAsync(await _host.Operator().GetAsync($"{path}?to=9999-12-31"), HttpStatusCode.BadRequest, "to");
        }
    }

    /// <summary>Parses CSV back as a spreadsheet would (CsvHelper's RFC 4180 reader).</summary>
    public static List<string[]> ParseCsv(byte[] bytes)
    {
        using var reader = CsvReader.Create(new MemoryStream(bytes), new CsvReaderOptions { HasHeader = false, MalformedData = CsvMalformedDataHandling.Throw });
        var rows = new List<string[]>();
        while (reader.Read())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(reader.GetString).ToArray());
        }
        return rows;
    }
}
