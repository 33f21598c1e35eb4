using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Common;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Government;

public class DiagnosisTests
{
    private static readonly string[] Dimensions = ["equipment", "production", "quality", "energy-environment", "data-network", "supply-chain"];

    private GovernmentHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new GovernmentHost();
        await _host.StartAsync();
        await _host.App.PublishOfferingAsync(_host.Integrator);
        await _host.App.PublishOfferingAsync(_host.Integrator, OfferingBody(title: "设备联网数据采集看板", direction: "general", subDirections: ["general.production-data"],
            summary: "机床联网，实时看到开机率和产量", description: "采集数控机床运行状态和计件数据，车间大屏显示开机率、产量和停机原因。", keywords: ["设备联网", "数据采集"], deployment: "saas",
            priceMin: 30_000, priceMax: 80_000));
        await _host.App.WaitForIndexingAsync();
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    public static object Report(int equipmentLevel = 2, string[]? dimensions = null, int recommendationFinding = 1, string weldingFinding = "车架焊接全部人工，焊缝宽窄不一，返工多") => new
    {
        summary = "焊接与设备管理依赖人工，建议先上焊接机器人，再做设备联网。",
        scores = (dimensions ?? Dimensions).Select((d, n) => new { dimension = d, level = d == "equipment" ? equipmentLevel : 1 + n % 3, note = "现场查看" }).ToArray(),
        findings = new object[]
        {
            new { dimension = "equipment", text = weldingFinding, severity = "high", direction = "machinery", subDirection = "machinery.welding" },
            new { dimension = "data-network", text = "机床未联网，产量靠班组长报数", severity = "medium", subDirection = "general.production-data" },
        },
        recommendations = new object[]
        {
            new { finding = recommendationFinding, text = "引入弧焊机器人工作站替代人工焊接车架", budgetYuan = 500_000, withinDays = 90 },
            new { finding = 2, text = "机床联网采集开机率和产量数据，车间看板显示", budgetYuan = 80_000, withinDays = 30 },
        },
    };

    /// <summary>A project of the home district with an assessor assigned; returns the diagnosis id and its ETag.</summary>
    private async Task<(string Id, string ETag, string ProjectId)> AssignAsync(string projectTitle = "车架焊接自动化改造")
    {
        var (project, _) = await _host.CreateProjectAsync(title: projectTitle);
        var response = await _host.District.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = project["id"]!.GetValue<string>(), assessorId = _host.Assessor.Id });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        return (json["id"]!.GetValue<string>(), response.Headers.ETag!.ToString(), project["id"]!.GetValue<string>());
    }

    private async Task<string> SaveDraftAsync(string id, string etag, object? report = null)
    {
        var response = await _host.Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/diagnoses/{id}/draft", etag, report ?? Report()));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return response.Headers.ETag!.ToString();
    }

    private async Task<JsonObject> SubmitAsync(string id)
    {
        var response = await _host.Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    [Test]
    public async Task The_model_is_public_data()
    {
        var model = await _host.Anonymous().GetFromJsonAsync<JsonObject>("/api/v1/diagnoses/model");

        Assert.That(model!["dimensions"]!.AsArray().Select(d => d!["code"]!.GetValue<string>()), Is.EqualTo(Dimensions));
        Assert.That(model["levels"]!.AsArray().Select(l => l!["level"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2, 3, 4, 5 }));
    }

    [Test]
    public async Task A_project_title_as_long_as_allowed_gives_a_list_title_within_a_list_titles_limit()
    {
        // 200 code units, the limit of both titles; an emoji (two code units) straddles the place where it must be cut.
        var title = new string('焊', 186) + "😀" + new string('改', 12);
        var (id, etag, _) = await AssignAsync(title);
        await SaveDraftAsync(id, etag);

        await SubmitAsync(id);

        var list = (await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/result"))!["demandList"]!;
        var listTitle = list["title"]!.GetValue<string>();
        Assert.That(listTitle, Has.Length.LessThanOrEqualTo(200), "SQL Server's NVARCHAR(200) refused the longer title: the submission failed with a 500");
        Assert.That(listTitle, Does.StartWith("诊断建议：焊焊").And.EndWith("…（第 1 版）"));
        Assert.That(TextRules.FirstDisallowed(listTitle), Is.Null, "the emoji is left out whole, not cut in half");
        Assert.That(listTitle, Does.Not.Contain("😀"));
    }

    [Test]
    public async Task A_submitted_report_becomes_a_matched_demand_list_the_enterprise_sees_with_the_report()
    {
        var (id, etag, projectId) = await AssignAsync();
        await SaveDraftAsync(id, etag);

        var version = await SubmitAsync(id);

        Assert.That(version["version"]!.GetValue<int>(), Is.EqualTo(1));
        var result = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/result");
        var report = result!["report"]!["content"]!;
        var list = result["demandList"]!;
        var items = list["items"]!.AsArray();
        var recommendations = report["recommendations"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(list["enterpriseId"]!.GetValue<string>(), Is.EqualTo(_host.Enterprise.Id.ToString()));
            Assert.That(items.Select(i => i!["text"]!.GetValue<string>()), Is.EqualTo(recommendations.Select(r => r!["text"]!.GetValue<string>())));
            Assert.That(recommendations.Select(r => r!["demandItemId"]!.GetValue<string>()), Is.EqualTo(items.Select(i => i!["id"]!.GetValue<string>())));
            Assert.That(recommendations.Select(r => r!["finding"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
            // Each item takes its finding's direction and technology item (a technology item alone implies its direction).
            Assert.That(items[0]!["subDirection"]!.GetValue<string>(), Is.EqualTo("machinery.welding"));
            Assert.That(items[1]!["direction"]!.GetValue<string>(), Is.EqualTo("general"));
            Assert.That(report["scores"]![0]!["dimensionName"]!.GetValue<string>(), Is.EqualTo("装备"));
            Assert.That(report["scores"]![0]!["levelName"]!.GetValue<string>(), Is.EqualTo("规范级"));
            Assert.That(report["findings"]![0]!["severityName"]!.GetValue<string>(), Is.EqualTo("严重"));
        });
        var matches = result["matches"]!["items"]!.AsArray();
        Assert.That(matches[0]!["matches"]![0]!["title"]!.GetValue<string>(), Is.EqualTo("弧焊机器人工作站"));
        Assert.That(matches[0]!["matches"]![0]!["reasons"]!.AsArray(), Is.Not.Empty);
        Assert.That(matches[1]!["matches"]![0]!["title"]!.GetValue<string>(), Is.EqualTo("设备联网数据采集看板"));

        var project = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        Assert.That(project!["status"]!.GetValue<string>(), Is.EqualTo("diagnosed"));
        Assert.That(project["diagnosisId"]!.GetValue<string>(), Is.EqualTo(id));
        Assert.That(project["demandListId"]!.GetValue<string>(), Is.EqualTo(list["id"]!.GetValue<string>()));
        var history = await _host.District.Client.GetFromJsonAsync<JsonArray>($"/api/v1/plan-projects/{projectId}/history");
        Assert.That(history![^1]!["actorKind"]!.GetValue<string>(), Is.EqualTo("assessor"));

        // The list is the enterprise's own: it can edit it, and accepts the recommendations.
        var listResponse = await _host.Enterprise.Client.GetAsync($"/api/v1/demand-lists/{list["id"]}");
        Assert.That(listResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var accepted = await _host.Enterprise.Client.PostAsync($"/api/v1/diagnoses/{id}/accept", null);
        Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), await accepted.Content.ReadAsStringAsync());
        var diagnosis = await ReadJsonAsync(accepted);
        Assert.That(diagnosis["status"]!.GetValue<string>(), Is.EqualTo("accepted"));
        Assert.That(diagnosis["acceptedVersion"]!.GetValue<int>(), Is.EqualTo(1));
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.PostAsync($"/api/v1/diagnoses/{id}/accept", null), HttpStatusCode.Conflict);

        // An engagement opened from the list shows on the plan project.
        var engagementId = await _host.OpenEngagementAsync(id);
        var linked = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        Assert.That(linked!["engagements"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()), Is.EqualTo(new[] { engagementId }));
        Assert.That(linked["engagements"]![0]!["status"]!.GetValue<string>(), Is.EqualTo("requested"));
        Assert.That(linked["engagements"]![0]!["offeringTitle"]!.GetValue<string>(), Is.EqualTo("弧焊机器人工作站"));
    }

    [Test]
    public async Task A_correction_is_a_new_version_and_submitted_versions_never_change()
    {
        var (id, etag, _) = await AssignAsync();
        etag = await SaveDraftAsync(id, etag);
        var first = await SubmitAsync(id);
        var firstList = first["demandListId"]!.GetValue<string>();

        var diagnosis = await _host.Assessor.Client.GetAsync($"/api/v1/diagnoses/{id}");
        await SaveDraftAsync(id, diagnosis.Headers.ETag!.ToString(), Report(equipmentLevel: 3));
        var second = await SubmitAsync(id);

        Assert.That(second["version"]!.GetValue<int>(), Is.EqualTo(2));
        var versions = await _host.Enterprise.Client.GetFromJsonAsync<JsonArray>($"/api/v1/diagnoses/{id}/reports");
        Assert.That(versions!.Select(v => v!["version"]!.GetValue<int>()), Is.EqualTo(new[] { 1, 2 }));
        var v1 = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/reports/1");
        Assert.That(v1!["content"]!["scores"]![0]!["level"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(JsonNode.DeepEquals(v1, first), Is.True, "version 1 reads as it was submitted");
        // Version 1's list was not accepted: the correction closes it.
        var oldList = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/demand-lists/{firstList}");
        Assert.That(oldList!["status"]!.GetValue<string>(), Is.EqualTo("closed"));
        var result = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/result");
        Assert.That(result!["report"]!["version"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(result["demandList"]!["status"]!.GetValue<string>(), Is.EqualTo("open"));
        // Nothing to submit until a new draft is saved.
        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.GetAsync($"/api/v1/diagnoses/{id}/reports/3"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_correction_on_a_project_moved_on_keeps_the_reason_of_its_status()
    {
        var (id, etag, projectId) = await AssignAsync("改造项目，诊断后已开工");
        await SaveDraftAsync(id, etag);
        await SubmitAsync(id);
        await GovernmentHost.MoveAsync(_host.District.Client, projectId, "engaged");
        await GovernmentHost.MoveAsync(_host.District.Client, projectId, "implementing", reason: "合同已签，设备进场");

        var diagnosis = await _host.Assessor.Client.GetAsync($"/api/v1/diagnoses/{id}");
        await SaveDraftAsync(id, diagnosis.Headers.ETag!.ToString(), Report(equipmentLevel: 3));
        var second = await SubmitAsync(id);

        var project = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        Assert.Multiple(() =>
        {
            Assert.That(project!["status"]!.GetValue<string>(), Is.EqualTo("implementing"));
            Assert.That(project["statusReason"]?.GetValue<string>(), Is.EqualTo("合同已签，设备进场"));
            Assert.That(project["demandListId"]!.GetValue<string>(), Is.EqualTo(second["demandListId"]!.GetValue<string>()));
        });
    }

    [Test]
    public async Task An_engagement_opened_from_an_earlier_report_version_stays_on_the_project_after_a_correction()
    {
        var (id, etag, projectId) = await AssignAsync("改造项目，对接后更正报告");
        await SaveDraftAsync(id, etag);
        await SubmitAsync(id);
        var engagementId = await _host.OpenEngagementAsync(id);

        var diagnosis = await _host.Assessor.Client.GetAsync($"/api/v1/diagnoses/{id}");
        await SaveDraftAsync(id, diagnosis.Headers.ETag!.ToString(), Report(equipmentLevel: 3));
        await SubmitAsync(id);

        var project = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        Assert.That(project!["engagements"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()), Is.EqualTo(new[] { engagementId }));
    }

    [TestCase("abandoned", "企业放弃")]
    [TestCase("completed", null)]
    public async Task A_report_on_a_project_closed_meanwhile_is_a_409_and_leaves_no_list(string status, string? reason)
    {
        var (id, etag, projectId) = await AssignAsync("改造项目，诊断期间关闭");
        await SaveDraftAsync(id, etag);
        if (status == "completed")
        {
            await GovernmentHost.MoveAsync(_host.District.Client, projectId, "diagnosed", reason: "先行诊断");
            await GovernmentHost.MoveAsync(_host.District.Client, projectId, "engaged");
            await GovernmentHost.MoveAsync(_host.District.Client, projectId, "implementing");
        }
        await GovernmentHost.MoveAsync(_host.District.Client, projectId, status, reason, actual: status == "completed" ? 100_000 : null);

        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null), HttpStatusCode.Conflict);

        var project = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        var diagnosis = await _host.Assessor.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}");
        Assert.Multiple(() =>
        {
            Assert.That(project!["status"]!.GetValue<string>(), Is.EqualTo(status));
            Assert.That(project["demandListId"], Is.Null);
            Assert.That(diagnosis!["latestVersion"]!.GetValue<int>(), Is.EqualTo(0));
        });
    }

    [Test]
    public async Task An_accepted_list_stays_open_after_a_correction()
    {
        var (id, etag, _) = await AssignAsync();
        await SaveDraftAsync(id, etag);
        var first = await SubmitAsync(id);
        Assert.That((await _host.Enterprise.Client.PostAsync($"/api/v1/diagnoses/{id}/accept", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var diagnosis = await _host.Assessor.Client.GetAsync($"/api/v1/diagnoses/{id}");
        await SaveDraftAsync(id, diagnosis.Headers.ETag!.ToString(), Report(equipmentLevel: 1));
        await SubmitAsync(id);

        var oldList = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/demand-lists/{first["demandListId"]}");
        Assert.That(oldList!["status"]!.GetValue<string>(), Is.EqualTo("open"));
        var now = await _host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}");
        Assert.That(now!["status"]!.GetValue<string>(), Is.EqualTo("submitted"));
        Assert.That(now["acceptedVersion"]!.GetValue<int>(), Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> InvalidReports()
    {
        yield return new TestCaseData(new { scores = new[] { new { dimension = "morale", level = 3 } } }, "scores[0].dimension").SetName("unknown dimension");
        yield return new TestCaseData(new { scores = new[] { new { dimension = "quality", level = 6 } } }, "scores[0].level").SetName("level above 5");
        yield return new TestCaseData(new { scores = new[] { new { dimension = "quality", level = 0 } } }, "scores[0].level").SetName("level below 1");
        yield return new TestCaseData(new { scores = new[] { new { dimension = "quality", level = 2 }, new { dimension = "quality", level = 3 } } }, "scores[1].dimension").SetName("dimension twice");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "high" } } }, "findings[0].direction").SetName("finding without direction");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "fatal", direction = "machinery" } } }, "findings[0].severity").SetName("unknown severity");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "low", direction = "machinery", subDirection = "food.bakery-nutrition" } } }, "findings[0].subDirection").SetName("item of another direction");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "low", direction = "machinery" } }, recommendations = new[] { new { finding = 2, text = "上机器人" } } }, "recommendations[0].finding").SetName("recommendation of no finding");
        yield return new TestCaseData(new { recommendations = new[] { new { finding = 1, text = "上机器人" } } }, "recommendations[0].finding").SetName("recommendation without findings");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "low", direction = "machinery" } }, recommendations = new[] { new { finding = 1, text = "上机器人", budgetYuan = long.MaxValue } } }, "recommendations[0].budgetYuan").SetName("recommendation budget above any amount the API takes");
        yield return new TestCaseData(new { findings = new[] { new { text = "焊缝差", severity = "low", direction = "machinery" } }, recommendations = new[] { new { finding = 1, text = "上机器人", budgetYuan = -1L } } }, "recommendations[0].budgetYuan").SetName("negative recommendation budget");
    }

    [TestCaseSource(nameof(InvalidReports))]
    public async Task Invalid_drafts_are_400_with_the_field(object report, string field)
    {
        var (id, etag, _) = await AssignAsync();

        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/diagnoses/{id}/draft", etag, report)),
            HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task A_recommendation_without_findings_says_so_rather_than_naming_an_empty_range()
    {
        var (id, etag, _) = await AssignAsync();
        var problem = await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/diagnoses/{id}/draft", etag,
            new { recommendations = new[] { new { finding = 1, text = "上机器人" } } })), HttpStatusCode.BadRequest, "recommendations[0].finding");
        Assert.That(problem["errors"]!["recommendations[0].finding"]![0]!.GetValue<string>(), Does.StartWith("报告中还没有问题"));
    }

    [Test]
    public async Task An_incomplete_report_is_not_submitted()
    {
        var (id, etag, projectId) = await AssignAsync();
        await SaveDraftAsync(id, etag, Report(dimensions: ["equipment", "quality"]));

        var problem = await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null), HttpStatusCode.BadRequest, "scores");

        Assert.That(problem["errors"]!["scores"]![0]!.GetValue<string>(), Does.Contain("production 生产管理"));
        var project = await _host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{projectId}");
        Assert.That(project!["status"]!.GetValue<string>(), Is.EqualTo("intent"));
        Assert.That(project["demandListId"], Is.Null);
    }

    [Test]
    public async Task Roles_and_denials()
    {
        var (id, etag, projectId) = await AssignAsync();
        var url = $"/api/v1/diagnoses/{id}";

        // Before a version is submitted the enterprise doesn't see the diagnosis.
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.GetAsync(url), HttpStatusCode.NotFound);
        foreach (var stranger in new[] { _host.OtherAssessor.Client, _host.OtherDistrictOffice.Client, _host.OtherEnterprise.Client, _host.Integrator.Client, _host.Center.Client })
        {
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url), HttpStatusCode.NotFound);
        }
        await ProblemAssert.IsProblemAsync(await _host.OtherAssessor.Client.SendAsync(WithIfMatch(HttpMethod.Put, url + "/draft", etag, Report())), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, url + "/draft", etag, Report())), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.PutAsJsonAsync(url + "/draft", Report()), HttpStatusCode.PreconditionRequired);
        var draftEtag = await SaveDraftAsync(id, etag);

        // The draft is the assessor's: the district sees the assignment without it.
        var districtView = await _host.District.Client.GetFromJsonAsync<JsonObject>(url);
        var assessorView = await _host.Assessor.Client.GetFromJsonAsync<JsonObject>(url);
        Assert.That(districtView!["draft"], Is.Null);
        Assert.That(assessorView!["draft"]!["findings"]!.AsArray(), Has.Count.EqualTo(2));
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsync(url + "/submit", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Post, url + "/submit", etag, null)), HttpStatusCode.PreconditionFailed);
        Assert.That((await _host.Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Post, url + "/submit", draftEtag, null))).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        foreach (var reader in new[] { _host.Enterprise.Client, _host.District.Client, _host.Assessor.Client, _host.Operator() })
        {
            Assert.That((await reader.GetAsync(url + "/result")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        foreach (var stranger in new[] { _host.OtherAssessor.Client, _host.OtherDistrictOffice.Client, _host.OtherEnterprise.Client, _host.Integrator.Client })
        {
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url + "/result"), HttpStatusCode.NotFound);
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url + "/reports/1"), HttpStatusCode.NotFound);
        }
        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.PostAsync(url + "/accept", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.OtherEnterprise.Client.PostAsync(url + "/accept", null), HttpStatusCode.NotFound);

        // Assigning: one diagnosis per project, a registered assessor, a project of the caller's plan.
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = projectId, assessorId = _host.OtherAssessor.Id }), HttpStatusCode.Conflict);
        var (fresh, _) = await _host.CreateProjectAsync();
        var freshId = fresh["id"]!.GetValue<string>();
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = freshId, assessorId = _host.Integrator.Id }), HttpStatusCode.BadRequest, "assessorId");
        await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = freshId, assessorId = _host.Assessor.Id }), HttpStatusCode.BadRequest, "planProjectId");
        await ProblemAssert.IsProblemAsync(await _host.Operator().PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = freshId, assessorId = _host.Assessor.Id }), HttpStatusCode.Forbidden);

        // Lists are scoped.
        var assessorList = await _host.Assessor.Client.GetFromJsonAsync<JsonObject>("/api/v1/diagnoses?pageSize=100");
        var otherList = await _host.OtherAssessor.Client.GetFromJsonAsync<JsonObject>("/api/v1/diagnoses");
        Assert.That(assessorList!["items"]!.AsArray().Select(d => d!["id"]!.GetValue<string>()), Does.Contain(id));
        Assert.That(otherList!["total"]!.GetValue<int>(), Is.Zero);
        await ProblemAssert.IsProblemAsync(await _host.Integrator.Client.GetAsync("/api/v1/diagnoses"), HttpStatusCode.Forbidden);
    }
}
