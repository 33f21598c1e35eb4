using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Government.GovernmentHost;

namespace Marketplace.Tests.Government;

public class PlanTests
{
    private GovernmentHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new GovernmentHost();
        await _host.StartAsync();
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task A_district_office_registers_and_lists_only_its_own_enterprises()
    {
        var own = await _host.District.Client.PostAsJsonAsync("/api/v1/organizations", new
        {
            kind = "enterprise", name = "璧山扫街新企业", creditCode = NewCreditCode(), district = HomeDistrict, industry = "五金制造", scale = "规上",
        });
        Assert.That(own.StatusCode, Is.EqualTo(HttpStatusCode.Created), await own.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/organizations", new
        {
            kind = "enterprise", name = "别区企业", creditCode = NewCreditCode(), district = OtherDistrict, industry = "五金制造", scale = "规上",
        }), HttpStatusCode.Forbidden);
        var integrator = await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/organizations", new
        {
            kind = "integrator", name = "某服务商", creditCode = NewCreditCode(), district = HomeDistrict,
        }), HttpStatusCode.Forbidden);
        Assert.That(integrator["detail"]!.GetValue<string>(), Does.Contain("只能登记企业"), "the kind is what is refused, not the district");

        var listed = await _host.District.Client.GetFromJsonAsync<JsonObject>("/api/v1/organizations?kind=enterprise&pageSize=100");
        var districts = listed!["items"]!.AsArray().Select(o => o!["district"]!.GetValue<string>()).Distinct().ToArray();
        Assert.That(districts, Is.EqualTo(new[] { HomeDistrict }));
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync($"/api/v1/organizations?kind=enterprise&district={Uri.EscapeDataString(OtherDistrict)}"),
            HttpStatusCode.Forbidden);
        var assessors = await _host.District.Client.GetFromJsonAsync<JsonObject>("/api/v1/organizations?kind=assessor");
        Assert.That(assessors!["total"]!.GetValue<int>(), Is.EqualTo(2));
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync("/api/v1/organizations?kind=integrator"), HttpStatusCode.BadRequest, "kind");
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync("/api/v1/organizations"), HttpStatusCode.BadRequest, "kind");
        await ProblemAssert.IsProblemAsync(await _host.Assessor.Client.GetAsync("/api/v1/organizations?kind=enterprise"), HttpStatusCode.Forbidden);

        Assert.That((await _host.District.Client.GetAsync($"/api/v1/organizations/{_host.Enterprise.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _host.District.Client.GetAsync($"/api/v1/organizations/{_host.Assessor.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync($"/api/v1/organizations/{_host.OtherEnterprise.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync($"/api/v1/organizations/{_host.Integrator.Id}"), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task A_district_adds_a_project_of_its_enterprise_as_intent()
    {
        var (project, etag) = await _host.CreateProjectAsync();

        Assert.Multiple(() =>
        {
            Assert.That(etag, Is.EqualTo("\"1\""));
            Assert.That(project["status"]!.GetValue<string>(), Is.EqualTo("intent"));
            Assert.That(project["statusName"]!.GetValue<string>(), Is.EqualTo("意向"));
            Assert.That(project["district"]!.GetValue<string>(), Is.EqualTo(HomeDistrict));
            Assert.That(project["enterprise"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆璧丰摩托车配件有限公司"));
            Assert.That(project["plannedStart"]!.GetValue<string>(), Is.EqualTo("2025-03-01"));
            Assert.That(project["subDirections"]![0]!.GetValue<string>(), Is.EqualTo("machinery.welding"));
        });
    }

    [Test]
    public async Task Only_district_offices_add_projects_and_only_for_their_own_enterprises()
    {
        var body = ProjectBody(_host.Enterprise.Id);
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().PostAsJsonAsync("/api/v1/plan-projects", body), HttpStatusCode.Unauthorized);
        foreach (var other in new[] { _host.Enterprise.Client, _host.Assessor.Client, _host.Integrator.Client, _host.Center.Client, _host.Operator() })
        {
            await ProblemAssert.IsProblemAsync(await other.PostAsJsonAsync("/api/v1/plan-projects", body), HttpStatusCode.Forbidden);
        }
        await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.PostAsJsonAsync("/api/v1/plan-projects", body), HttpStatusCode.BadRequest, "enterpriseId");
        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/plan-projects", ProjectBody(_host.Integrator.Id)), HttpStatusCode.BadRequest, "enterpriseId");
    }

    private static IEnumerable<TestCaseData> InvalidProjects()
    {
        yield return new TestCaseData("year", (object?)1999).SetName("year before 2000");
        yield return new TestCaseData("title", (object?)"").SetName("no title");
        yield return new TestCaseData("directions", (object?)Array.Empty<string>()).SetName("no direction");
        yield return new TestCaseData("directions[0]", (object?)new[] { "mining" }).SetName("unknown direction");
        yield return new TestCaseData("plannedInvestmentYuan", (object?)-1L).SetName("negative investment");
        yield return new TestCaseData("plannedFinish", (object?)"2025-01-01").SetName("finish before start");
        yield return new TestCaseData("plannedStart", (object?)null).SetName("no start");
        yield return new TestCaseData("plannedStart", (object?)"0001-01-01").SetName("start at a client's default date");
        yield return new TestCaseData("plannedFinish", (object?)"9999-12-31").SetName("finish beyond the plan years");
        yield return new TestCaseData("plannedStart", (object?)"03/01/2025").SetName("start not written yyyy-MM-dd");
        yield return new TestCaseData("plannedStart", (object?)"2025-03-01T08:00:00").SetName("start given as a date-time");
    }

    [TestCaseSource(nameof(InvalidProjects))]
    public async Task Invalid_projects_are_400_with_the_field(string field, object? value)
    {
        var body = ProjectBody(_host.Enterprise.Id);
        body[field.Replace("[0]", "")] = value;

        await ProblemAssert.IsProblemAsync(await _host.District.Client.PostAsJsonAsync("/api/v1/plan-projects", body), HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Each_role_sees_what_it_may_and_others_get_404()
    {
        var (project, _) = await _host.CreateProjectAsync();
        var url = $"/api/v1/plan-projects/{project["id"]}";

        foreach (var reader in new[] { _host.District.Client, _host.Enterprise.Client, _host.Center.Client, _host.Operator() })
        {
            Assert.That((await reader.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        foreach (var stranger in new[] { _host.OtherDistrictOffice.Client, _host.OtherEnterprise.Client, _host.Integrator.Client, _host.Assessor.Client })
        {
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url), HttpStatusCode.NotFound);
            await ProblemAssert.IsProblemAsync(await stranger.GetAsync(url + "/history"), HttpStatusCode.NotFound);
            await ProblemAssert.IsProblemAsync(await stranger.PostAsJsonAsync(url + "/status", new { status = "diagnosed" }), HttpStatusCode.NotFound);
        }
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().GetAsync(url), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _host.Enterprise.Client.PostAsJsonAsync(url + "/status", new { status = "diagnosed" }), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Lists_are_scoped_to_the_caller()
    {
        await _host.CreateProjectAsync(year: 2026, title: "璧山项目");
        await _host.CreateProjectAsync(_host.OtherDistrictOffice, _host.OtherEnterprise, year: 2026, title: "江北项目");

        var own = await _host.District.Client.GetFromJsonAsync<JsonObject>("/api/v1/plan-projects?year=2026");
        var other = await _host.OtherDistrictOffice.Client.GetFromJsonAsync<JsonObject>("/api/v1/plan-projects?year=2026");
        var operatorView = await _host.Operator().GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects?year=2026&district={Uri.EscapeDataString(OtherDistrict)}");
        var enterpriseView = await _host.OtherEnterprise.Client.GetFromJsonAsync<JsonObject>("/api/v1/plan-projects");

        Assert.Multiple(() =>
        {
            Assert.That(Titles(own!), Does.Contain("璧山项目").And.Not.Contain("江北项目"));
            Assert.That(Titles(other!), Does.Contain("江北项目").And.Not.Contain("璧山项目"));
            Assert.That(Titles(operatorView!), Does.Contain("江北项目").And.Not.Contain("璧山项目"));
            Assert.That(Titles(enterpriseView!).Distinct(), Is.EqualTo(new[] { "江北项目" }));
        });
        await ProblemAssert.IsProblemAsync(await _host.Integrator.Client.GetAsync("/api/v1/plan-projects"), HttpStatusCode.Forbidden);
        // An enterprise naming another enterprise is told so (its own projects came back, as if the filter were met).
        await ProblemAssert.IsProblemAsync(await _host.OtherEnterprise.Client.GetAsync($"/api/v1/plan-projects?enterpriseId={_host.Enterprise.Id}"), HttpStatusCode.Forbidden);
        var named = await _host.OtherEnterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects?enterpriseId={_host.OtherEnterprise.Id}");
        Assert.That(Titles(named!).Distinct(), Is.EqualTo(new[] { "江北项目" }));
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync("/api/v1/plan-projects?status=done"), HttpStatusCode.BadRequest, "status");
        await ProblemAssert.IsProblemAsync(await _host.District.Client.GetAsync("/api/v1/plan-projects?fromYear=2027&toYear=2026"), HttpStatusCode.BadRequest, "toYear");
    }

    private static string[] Titles(JsonObject page) => page["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()).ToArray();

    [Test]
    public async Task Status_moves_step_by_step_and_a_jump_needs_a_reason()
    {
        var (project, _) = await _host.CreateProjectAsync();
        var id = project["id"]!.GetValue<string>();
        var client = _host.District.Client;

        var jump = await MoveAsync(client, id, "implementing", expected: HttpStatusCode.BadRequest);
        Assert.That(jump["errors"]!["reason"]![0]!.GetValue<string>(), Does.Contain("已诊断、已对接"));
        await MoveAsync(client, id, "diagnosed");
        await MoveAsync(client, id, "implementing", reason: "企业已自行与服务商签约");
        await MoveAsync(client, id, "diagnosed", expected: HttpStatusCode.BadRequest); // a step back needs a reason too
        await MoveAsync(client, id, "completed", expected: HttpStatusCode.BadRequest); // completing needs the actual investment
        var done = await MoveAsync(client, id, "completed", actual: 1_050_000);
        Assert.That(done["actualInvestmentYuan"]!.GetValue<long>(), Is.EqualTo(1_050_000));
        await MoveAsync(client, id, "abandoned", reason: "晚了", expected: HttpStatusCode.Conflict);

        var history = await client.GetFromJsonAsync<JsonArray>($"/api/v1/plan-projects/{id}/history");
        Assert.That(history!.Select(e => $"{e!["fromStatus"]}>{e["toStatus"]}"), Is.EqualTo(new[] { ">intent", "intent>diagnosed", "diagnosed>implementing", "implementing>completed" }));
        Assert.That(history![2]!["reason"]!.GetValue<string>(), Is.EqualTo("企业已自行与服务商签约"));
        Assert.That(history![2]!["actorId"]!.GetValue<string>(), Is.EqualTo(_host.District.Id.ToString()));
        Assert.That(history![2]!["actorKind"]!.GetValue<string>(), Is.EqualTo("district"));
    }

    [Test]
    public async Task Abandoning_needs_a_reason_and_is_final()
    {
        var (project, etag) = await _host.CreateProjectAsync();
        var id = project["id"]!.GetValue<string>();

        await MoveAsync(_host.District.Client, id, "abandoned", expected: HttpStatusCode.BadRequest);
        await MoveAsync(_host.District.Client, id, "finished", reason: "x", expected: HttpStatusCode.BadRequest);
        var stale = await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/plan-projects/{id}/status", "\"99\"", new { status = "diagnosed" }));
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        var abandoned = await MoveAsync(_host.Operator(), id, "abandoned", reason: "企业搬迁出本区");
        Assert.That(abandoned["statusReason"]!.GetValue<string>(), Is.EqualTo("企业搬迁出本区"));
        await MoveAsync(_host.District.Client, id, "intent", reason: "重新启动", expected: HttpStatusCode.Conflict);
        var edit = await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/plan-projects/{id}", "\"2\"", ProjectBody(_host.Enterprise.Id)));
        await ProblemAssert.IsProblemAsync(edit, HttpStatusCode.Conflict);
        Assert.That(etag, Is.EqualTo("\"1\""));
    }

    [Test]
    public async Task Edits_need_if_match()
    {
        var (project, etag) = await _host.CreateProjectAsync();
        var url = $"/api/v1/plan-projects/{project["id"]}";
        var body = ProjectBody(_host.Enterprise.Id, title: "改为激光焊接", investment: 2_000_000);

        await ProblemAssert.IsProblemAsync(await _host.District.Client.PutAsJsonAsync(url, body), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"7\"", body)), HttpStatusCode.PreconditionFailed);
        var changed = await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, body));
        Assert.That(changed.StatusCode, Is.EqualTo(HttpStatusCode.OK), await changed.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(changed);
        Assert.That(json["title"]!.GetValue<string>(), Is.EqualTo("改为激光焊接"));
        Assert.That(changed.Headers.ETag!.ToString(), Is.EqualTo("\"2\""));
        body["enterpriseId"] = _host.OtherEnterprise.Id;
        await ProblemAssert.IsProblemAsync(await _host.District.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"2\"", body)), HttpStatusCode.BadRequest, "enterpriseId");
        await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, "\"2\"", body)), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task The_rolling_plan_groups_five_years()
    {
        await _host.CreateProjectAsync(year: 2030, title: "滚动一", investment: 100);
        await _host.CreateProjectAsync(year: 2032, title: "滚动二", investment: 200);
        await _host.CreateProjectAsync(year: 2032, title: "滚动三", investment: 300);
        await _host.CreateProjectAsync(year: 2035, title: "五年之外", investment: 400);
        var (dropped, _) = await _host.CreateProjectAsync(year: 2032, title: "滚动放弃", investment: 1_000);
        await GovernmentHost.MoveAsync(_host.District.Client, dropped["id"]!.GetValue<string>(), "abandoned", reason: "企业搬迁");

        var rolling = await _host.District.Client.GetFromJsonAsync<JsonObject>("/api/v1/plan-projects/rolling?fromYear=2030");

        var years = rolling!["years"]!.AsArray();
        Assert.Multiple(() =>
        {
            Assert.That(years.Select(y => y!["year"]!.GetValue<int>()), Is.EqualTo(new[] { 2030, 2031, 2032, 2033, 2034 }));
            Assert.That(years[2]!["projects"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(years[2]!["plannedInvestmentYuan"]!.GetValue<long>(), Is.EqualTo(500), "an abandoned project's investment is not planned any more");
            Assert.That(years[2]!["byStatus"]!["intent"]!.GetValue<int>(), Is.EqualTo(2));
            Assert.That(years[2]!["byStatus"]!["abandoned"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(years[1]!["items"]!.AsArray(), Is.Empty);
            Assert.That(rolling.ToJsonString(), Does.Not.Contain("五年之外"));
        });
        Assert.That(rolling["district"]!.GetValue<string>(), Is.EqualTo(GovernmentHost.HomeDistrict), "the district the answer covers");
        var other = await _host.OtherDistrictOffice.Client.GetFromJsonAsync<JsonObject>("/api/v1/plan-projects/rolling?fromYear=2030");
        Assert.That(other!.ToJsonString(), Does.Not.Contain("滚动一"));
        Assert.That(other["district"]!.GetValue<string>(), Is.EqualTo(GovernmentHost.OtherDistrict));
        // Asking for another district is refused: before, its own district's plan came back labelled with the other's name.
        foreach (var path in new[] { "/api/v1/plan-projects/rolling?fromYear=2030&district=", "/api/v1/plan-projects?district=" })
        {
            await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.GetAsync(path + Uri.EscapeDataString(GovernmentHost.HomeDistrict)), HttpStatusCode.Forbidden);
        }
        var operatorView = await _host.Operator().GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/rolling?fromYear=2030&district={Uri.EscapeDataString(GovernmentHost.HomeDistrict)}");
        Assert.That(operatorView!["district"]!.GetValue<string>(), Is.EqualTo(GovernmentHost.HomeDistrict));
        Assert.That(operatorView["years"]![0]!["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()), Does.Contain("滚动一"));
    }
}
