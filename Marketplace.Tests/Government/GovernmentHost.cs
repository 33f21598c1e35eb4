using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Government;

/// <summary>
/// One API on a temporary data folder with the organizations the government-side tests share: two district offices
/// (璧山区, 江北区) with an enterprise each, two assessors, an integrator, a capability center.
/// </summary>
public sealed class GovernmentHost(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) : IDisposable
{
    public const string HomeDistrict = "璧山区";
    public const string OtherDistrict = "江北区";

    public MarketplaceApp App { get; } = new(settings: settings, services: services);

    public Org District { get; private set; } = null!;
    public Org OtherDistrictOffice { get; private set; } = null!;
    public Org Enterprise { get; private set; } = null!;
    public Org OtherEnterprise { get; private set; } = null!;
    public Org Assessor { get; private set; } = null!;
    public Org OtherAssessor { get; private set; } = null!;
    public Org Integrator { get; private set; } = null!;
    public Org Center { get; private set; } = null!;

    public HttpClient Operator() => App.Operator();

    public HttpClient Anonymous() => App.Client();

    public async Task StartAsync()
    {
        District = await App.CreateOrganizationAsync("district", $"{HomeDistrict}经济和信息化委员会", HomeDistrict);
        OtherDistrictOffice = await App.CreateOrganizationAsync("district", $"{OtherDistrict}经济和信息化委员会", OtherDistrict);
        Enterprise = await App.CreateOrganizationAsync("enterprise", "重庆璧丰摩托车配件有限公司", HomeDistrict);
        OtherEnterprise = await App.CreateOrganizationAsync("enterprise", "重庆江北精密机械有限公司", OtherDistrict);
        Assessor = await App.CreateOrganizationAsync("assessor", "重庆智造诊断评估有限公司", "渝北区");
        OtherAssessor = await App.CreateOrganizationAsync("assessor", "重庆数改咨询有限公司", "渝中区");
        Integrator = await App.CreateOrganizationAsync("integrator");
        Center = await App.CreateOrganizationAsync("capability-center");
    }

    /// <summary>Adds a project of <paramref name="enterprise"/> to <paramref name="district"/>'s plan; returns it and its ETag.</summary>
    public async Task<(JsonObject Project, string ETag)> CreateProjectAsync(Org? district = null, Org? enterprise = null, int year = 2025,
        string title = "车架焊接自动化改造", string direction = "machinery", string[]? subDirections = null, long investment = 1_200_000)
    {
        var response = await (district ?? District).Client.PostAsJsonAsync("/api/v1/plan-projects",
            ProjectBody((enterprise ?? Enterprise).Id, year, title, direction, subDirections, investment));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    public static Dictionary<string, object?> ProjectBody(Guid enterpriseId, int year = 2025, string title = "车架焊接自动化改造", string direction = "machinery",
        string[]? subDirections = null, long investment = 1_200_000) => new()
    {
        ["year"] = year,
        ["enterpriseId"] = enterpriseId,
        ["title"] = title,
        ["description"] = "车架焊接由人工改为机器人，焊缝质量稳定",
        ["directions"] = new[] { direction },
        ["subDirections"] = subDirections ?? (direction == "machinery" ? ["machinery.welding"] : []),
        ["plannedInvestmentYuan"] = investment,
        ["plannedStart"] = $"{year}-03-01",
        ["plannedFinish"] = $"{year}-10-31",
    };

    public static async Task<JsonObject> MoveAsync(HttpClient client, string projectId, string status, string? reason = null, long? actual = null,
        HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await client.PostAsJsonAsync($"/api/v1/plan-projects/{projectId}/status", new { status, reason, actualInvestmentYuan = actual });
        Assert.That(response.StatusCode, Is.EqualTo(expected), await response.Content.ReadAsStringAsync());
        return await ReadJsonAsync(response);
    }

    /// <summary>Assigns <see cref="Assessor"/> to the project, saves <see cref="DiagnosisTests.Report"/> as the draft and submits it; returns the diagnosis id.</summary>
    public async Task<string> DiagnoseAsync(string projectId, object? report = null)
    {
        var assigned = await District.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = projectId, assessorId = Assessor.Id });
        Assert.That(assigned.StatusCode, Is.EqualTo(HttpStatusCode.Created), await assigned.Content.ReadAsStringAsync());
        var id = (await ReadJsonAsync(assigned))["id"]!.GetValue<string>();
        var draft = await Assessor.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/diagnoses/{id}/draft", assigned.Headers.ETag!.ToString(), report ?? DiagnosisTests.Report()));
        Assert.That(draft.StatusCode, Is.EqualTo(HttpStatusCode.OK), await draft.Content.ReadAsStringAsync());
        var submitted = await Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submitted.Content.ReadAsStringAsync());
        return id;
    }

    /// <summary>The enterprise opens an engagement from the first item of the diagnosis's demand list with its top match; returns the engagement id.</summary>
    public async Task<string> OpenEngagementAsync(string diagnosisId)
    {
        var result = await Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{diagnosisId}/result");
        var item = result!["matches"]!["items"]![0]!;
        var (engagement, _) = await Engagements.EngagementSteps.OpenAsync(Enterprise, Guid.Parse(item["itemId"]!.GetValue<string>()),
            Guid.Parse(item["matches"]![0]!["offeringId"]!.GetValue<string>()));
        return engagement["id"]!.GetValue<string>();
    }

    public void Dispose()
    {
        App.Dispose();
        DeleteDirectory(App.DataDirectory);
    }
}
