using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Marketplace.Tests.Api;
using Microsoft.Extensions.Options;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Government.GovernmentHost;

namespace Marketplace.Tests.Government;

public class ScoreboardTests
{
    private const int Year = 2027;
    private const string Bishan = "500120";
    private const string Jiangbei = "500105";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private GovernmentHost _host = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new GovernmentHost();
        await _host.StartAsync();
        await _host.App.PublishOfferingAsync(_host.Integrator);
        await _host.App.WaitForIndexingAsync();
        // 璧山区 2027: the first enterprise is diagnosed (and so matched) and opened an engagement; the second completed its project; a third abandoned its only one.
        var (diagnosed, _) = await _host.CreateProjectAsync(year: Year, investment: 1_000_000);
        await _host.OpenEngagementAsync(await _host.DiagnoseAsync(diagnosed["id"]!.GetValue<string>()));
        var second = await _host.App.CreateOrganizationAsync("enterprise", "璧山第二家企业", HomeDistrict);
        var (completed, _) = await _host.CreateProjectAsync(enterprise: second, year: Year, investment: 3_000_000);
        await MoveAsync(_host.District.Client, completed["id"]!.GetValue<string>(), "completed", reason: "企业自筹资金已完成改造", actual: 1_500_000);
        var third = await _host.App.CreateOrganizationAsync("enterprise", "璧山第三家企业", HomeDistrict);
        var (abandoned, _) = await _host.CreateProjectAsync(enterprise: third, year: Year, investment: 9_000_000);
        await MoveAsync(_host.District.Client, abandoned["id"]!.GetValue<string>(), "abandoned", reason: "企业停产");
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    [Test]
    public async Task Shares_investment_score_and_colour_per_district_are_public()
    {
        var board = await _host.Anonymous().GetFromJsonAsync<JsonObject>($"/api/v1/scoreboard?year={Year}");

        var districts = board!["districts"]!.AsArray();
        var bishan = districts.Single(d => d!["districtCode"]!.GetValue<string>() == Bishan)!;
        Assert.Multiple(() =>
        {
            Assert.That(districts, Has.Count.EqualTo(41), "every district of the taxonomy");
            Assert.That(bishan["rank"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(bishan["enterprises"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(bishan["projects"]!.GetValue<int>(), Is.EqualTo(3));
            Assert.That(bishan["diagnosedShare"]!.GetValue<double>(), Is.EqualTo(0.3333));
            Assert.That(bishan["matchedShare"]!.GetValue<double>(), Is.EqualTo(0.3333));
            Assert.That(bishan["engagedShare"]!.GetValue<double>(), Is.EqualTo(0.3333));
            Assert.That(bishan["completedShare"]!.GetValue<double>(), Is.EqualTo(0.3333));
            Assert.That(bishan["plannedInvestmentYuan"]!.GetValue<long>(), Is.EqualTo(4_000_000), "abandoned projects don't count as planned");
            Assert.That(bishan["completedInvestmentYuan"]!.GetValue<long>(), Is.EqualTo(1_500_000));
            Assert.That(bishan["investmentShare"]!.GetValue<double>(), Is.EqualTo(0.375));
            // 0.2·⅓ + 0.2·⅓ + 0.2·⅓ + 0.25·⅓ + 0.15·0.375 = 0.3396 → orange (0.2 ≤ score < 0.4)
            Assert.That(bishan["score"]!.GetValue<double>(), Is.EqualTo(0.3396).Within(0.0001));
            Assert.That(bishan["colour"]!["code"]!.GetValue<string>(), Is.EqualTo("orange"));
            var jiangbei = districts.Single(d => d!["districtCode"]!.GetValue<string>() == Jiangbei)!;
            Assert.That(jiangbei["colour"]!["code"]!.GetValue<string>(), Is.EqualTo("none"));
            Assert.That(jiangbei["rank"], Is.Null);
            Assert.That(board["rules"]!["colours"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()),
                Is.EqualTo(new[] { "red", "orange", "yellow", "light-green", "green" }));
        });
        var one = await _host.Anonymous().GetFromJsonAsync<JsonObject>($"/api/v1/scoreboard/districts/{Bishan}?year={Year}");
        Assert.That(JsonNode.DeepEquals(one, bishan), Is.True);
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().GetAsync($"/api/v1/scoreboard/districts/999999?year={Year}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().GetAsync("/api/v1/scoreboard?year=1900"), HttpStatusCode.BadRequest, "year");
    }

    [Test]
    public async Task Districts_with_equal_scores_share_a_rank()
    {
        // 2028: two districts with one completed project each.
        foreach (var (office, district) in new[] { (_host.District, HomeDistrict), (_host.OtherDistrictOffice, GovernmentHost.OtherDistrict) })
        {
            var enterprise = await _host.App.CreateOrganizationAsync("enterprise", $"{district}并列企业", district);
            var (project, _) = await _host.CreateProjectAsync(district: office, enterprise: enterprise, year: 2028, investment: 1_000_000);
            await MoveAsync(office.Client, project["id"]!.GetValue<string>(), "completed", reason: "完成", actual: 1_000_000);
        }
        // A third with a project only intended: below both.
        var third = await _host.App.CreateOrganizationAsync("district", "永川区经济和信息化委员会", "永川区");
        await _host.CreateProjectAsync(district: third, enterprise: await _host.App.CreateOrganizationAsync("enterprise", "永川意向企业", "永川区"), year: 2028);
        var board = await _host.Anonymous().GetFromJsonAsync<JsonObject>("/api/v1/scoreboard?year=2028");
        var ranks = board!["districts"]!.AsArray().Where(d => d!["rank"] is not null).Select(d => d!["rank"]!.GetValue<int>()).ToArray();
        Assert.That(ranks, Is.EqualTo(new[] { 1, 1, 3 }));
        var chart = await _host.Anonymous().GetStringAsync("/api/v1/scoreboard/chart.svg?year=2028");
        Assert.That(chart, Does.Contain($"1. {HomeDistrict}").And.Contain($"1. {GovernmentHost.OtherDistrict}").And.Contain("3. 永川区"));
    }

    [Test]
    public async Task A_past_years_figures_do_not_count_what_happened_after_it()
    {
        // The enterprise matched and engaged now is added to the plan of 2025: 2025 was not the year it happened.
        await _host.CreateProjectAsync(year: 2025, investment: 500_000);
        var past = await _host.Anonymous().GetFromJsonAsync<JsonObject>($"/api/v1/scoreboard/districts/{Bishan}?year=2025");
        Assert.Multiple(() =>
        {
            Assert.That(past!["enterprises"]!.GetValue<int>(), Is.EqualTo(1));
            Assert.That(past["matchedShare"]!.GetValue<double>(), Is.Zero);
            Assert.That(past["engagedShare"]!.GetValue<double>(), Is.Zero);
        });
    }

    [Test]
    public async Task Per_enterprise_details_only_for_the_district_operators_and_the_capability_center()
    {
        var url = $"/api/v1/scoreboard/districts/{Bishan}/enterprises?year={Year}";

        foreach (var reader in new[] { _host.District.Client, _host.Operator(), _host.Center.Client })
        {
            var details = await reader.GetFromJsonAsync<JsonObject>(url);
            var enterprises = details!["enterprises"]!.AsArray();
            Assert.That(enterprises, Has.Count.EqualTo(3));
            var first = enterprises.Single(e => e!["enterpriseId"]!.GetValue<string>() == _host.Enterprise.Id.ToString())!;
            Assert.That(first["diagnosed"]!.GetValue<bool>(), Is.True);
            Assert.That(first["matched"]!.GetValue<bool>(), Is.True);
            Assert.That(first["engaged"]!.GetValue<bool>(), Is.True);
            Assert.That(first["completed"]!.GetValue<bool>(), Is.False);
        }
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().GetAsync(url), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _host.OtherDistrictOffice.Client.GetAsync(url), HttpStatusCode.Forbidden);
        foreach (var other in new[] { _host.Enterprise.Client, _host.Integrator.Client, _host.Assessor.Client })
        {
            await ProblemAssert.IsProblemAsync(await other.GetAsync(url), HttpStatusCode.Forbidden);
        }
    }

    [Test]
    public async Task The_svg_chart_parses_and_shows_each_district_in_its_colour()
    {
        var board = await _host.Anonymous().GetFromJsonAsync<JsonObject>($"/api/v1/scoreboard?year={Year}");
        var response = await _host.Anonymous().GetAsync($"/api/v1/scoreboard/chart.svg?year={Year}&highlight={Bishan}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("image/svg+xml"));
        var svg = XDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(svg.Root!.Name, Is.EqualTo(Svg + "svg"));
        Assert.That(svg.Root.Element(Svg + "title")!.Value, Does.Contain("2027"));
        var groups = svg.Root.Elements(Svg + "g").ToArray();
        Assert.That(groups, Has.Length.EqualTo(41));
        foreach (var district in board!["districts"]!.AsArray())
        {
            var group = groups.Single(g => (string?)g.Attribute("id") == $"district-{district!["districtCode"]}");
            var bar = group.Elements(Svg + "rect").Last();
            Assert.That((string?)group.Attribute("data-colour"), Is.EqualTo(district!["colour"]!["code"]!.GetValue<string>()));
            Assert.That((string?)bar.Attribute("fill"), Is.EqualTo(district["colour"]!["hex"]!.GetValue<string>()));
        }
        var bishan = groups.Single(g => (string?)g.Attribute("id") == $"district-{Bishan}");
        Assert.That(bishan.Elements(Svg + "text").First().Value, Is.EqualTo("1. 璧山区"));
        Assert.That(double.Parse((string)bishan.Elements(Svg + "rect").Last().Attribute("width")!, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(0.3396 * 460).Within(1));
        Assert.That(svg.Descendants(Svg + "script"), Is.Empty);
        await ProblemAssert.IsProblemAsync(await _host.Anonymous().GetAsync("/api/v1/scoreboard/chart.svg?highlight=x"), HttpStatusCode.BadRequest, "highlight");
    }

    [TestCase("Marketplace:Scoreboard:Colours:0:MinScore", "0.1")]
    [TestCase("Marketplace:Scoreboard:Weights:Completed", "-1")]
    [TestCase("Marketplace:Scoreboard:Colours:0:Hex", "red")]
    public void Invalid_rules_stop_the_start_up(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Marketplace:Scoreboard:Colours:0:Code"] = "red", ["Marketplace:Scoreboard:Colours:0:Name"] = "红",
            ["Marketplace:Scoreboard:Colours:0:Hex"] = "#ff0000", ["Marketplace:Scoreboard:Colours:0:MinScore"] = "0",
            ["Marketplace:Scoreboard:Colours:1:Code"] = "green", ["Marketplace:Scoreboard:Colours:1:Name"] = "绿",
            ["Marketplace:Scoreboard:Colours:1:Hex"] = "#00ff00", ["Marketplace:Scoreboard:Colours:1:MinScore"] = "0.5",
        };
        settings[key] = value;
        var error = MarketplaceApp.StartUpFailure(() => new MarketplaceApp(settings: settings), app => app.Client(), app =>
        {
            app.Dispose();
            DeleteDirectory(app.DataDirectory);
        });
        Assert.That(error, Is.InstanceOf<OptionsValidationException>().Or.InnerException.InstanceOf<OptionsValidationException>(), error.ToString());
    }

    [Test]
    public async Task Configured_bands_replace_the_default_ones()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?>
        {
            ["Marketplace:Scoreboard:Colours:0:Code"] = "behind", ["Marketplace:Scoreboard:Colours:0:Name"] = "落后",
            ["Marketplace:Scoreboard:Colours:0:Hex"] = "#ff0000", ["Marketplace:Scoreboard:Colours:0:MinScore"] = "0",
            ["Marketplace:Scoreboard:Colours:1:Code"] = "ahead", ["Marketplace:Scoreboard:Colours:1:Name"] = "领先",
            ["Marketplace:Scoreboard:Colours:1:Hex"] = "#00ff00", ["Marketplace:Scoreboard:Colours:1:MinScore"] = "0.5",
        });
        try
        {
            var board = await app.Client().GetFromJsonAsync<JsonObject>("/api/v1/scoreboard");
            Assert.That(board!["rules"]!["colours"]!.AsArray().Select(c => c!["code"]!.GetValue<string>()), Is.EqualTo(new[] { "behind", "ahead" }));
        }
        finally
        {
            DeleteDirectory(app.DataDirectory);
        }
    }
}
