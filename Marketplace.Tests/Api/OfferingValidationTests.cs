using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Marketplace.Api.Http;

namespace Marketplace.Tests.Api;

/// <summary>Bad input gets a clear 4xx problem and changes nothing stored.</summary>
public class OfferingValidationTests
{
    private MarketplaceApp _app = null!;
    private MarketplaceApp.Org _integrator = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new MarketplaceApp();
        _integrator = await _app.CreateOrganizationAsync("integrator");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    private static IEnumerable<TestCaseData> InvalidFields()
    {
        TestCaseData Case(string field, object? value, string name) => new TestCaseData(field, value).SetName(name);
        yield return Case("type", "platform", "unknown type");
        yield return Case("type", null, "missing type");
        yield return Case("title", new string('标', 101), "title over 100");
        yield return Case("title", "  ", "blank title");
        yield return Case("summary", new string('摘', 201), "summary over 200");
        yield return Case("description", new string('述', 5001), "description over 5000");
        yield return Case("directions", Array.Empty<string>(), "no direction");
        yield return Case("directions", new[] { "machinery", "food", "chemicals", "general" }, "four directions");
        yield return Case("directions[0]", new[] { "aerospace" }, "unknown direction");
        yield return Case("subDirections[0]", new[] { "machinery.teleportation" }, "unknown sub-direction");
        yield return Case("subDirections[0]", new[] { "food.traceability" }, "sub-direction outside the directions");
        yield return Case("keywords", Enumerable.Range(0, 21).Select(i => $"词{i}").ToArray(), "21 keywords");
        yield return Case("deployment", "cloud", "unknown deployment");
        yield return Case("priceMinYuan", -1L, "negative price");
        yield return Case("implementationDays", 0, "zero days");
        yield return Case("districts", Array.Empty<string>(), "no district");
        yield return Case("districts[0]", new[] { "成都市" }, "unknown district");
    }

    [TestCaseSource(nameof(InvalidFields))]
    public async Task Each_rule_is_a_400_with_the_field(string field, object? value)
    {
        var body = MarketplaceApp.OfferingBody();
        body[field.Split('[')[0]] = value;

        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Max_price_below_min_price_is_400()
    {
        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(priceMin: 500_000, priceMax: 100_000));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "priceMaxYuan");
    }

    [Test]
    public async Task A_title_over_the_limit_in_emoji_is_told_that_each_counts_twice()
    {
        var title = string.Concat(Enumerable.Repeat("🔧", 60)); // 60 characters, 120 UTF-16 code units

        var problem = await ProblemAssert.IsProblemAsync(
            await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: title)), HttpStatusCode.BadRequest, "title");

        Assert.That(problem["errors"]!["title"]![0]!.GetValue<string>(), Does.Contain("表情符号及生僻字各计 2 个"));
    }

    [Test]
    public async Task Case_fields_are_checked()
    {
        var body = MarketplaceApp.OfferingBody();
        body["cases"] = new[] { new { customer = "", district = "火星", year = 1800, outcome = "好" } };

        var problem = await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body), HttpStatusCode.BadRequest, "cases[0].customer");

        Assert.That(problem["errors"]!.AsObject().ContainsKey("cases[0].district"), Is.True);
        Assert.That(problem["errors"]!.AsObject().ContainsKey("cases[0].year"), Is.True);
    }

    [TestCase("{\"type\":", TestName = "malformed JSON")]
    [TestCase("{\"type\":\"tool\",\"priceMinYuan\":\"很多\"}", TestName = "string where a number is expected")]
    [TestCase("{\"directions\":\"machinery\"}", TestName = "string where an array is expected")]
    [TestCase("[]", TestName = "array instead of object")]
    [TestCase("{\"implementationDays\":1e99}", TestName = "number out of range")]
    public async Task Unparseable_bodies_are_400(string json)
    {
        var response = await _integrator.Client.PostAsync("/api/v1/offerings", new StringContent(json, Encoding.UTF8, "application/json"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Empty_body_is_400()
    {
        var response = await _integrator.Client.PostAsync("/api/v1/offerings", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.EqualTo(400), await response.Content.ReadAsStringAsync());
    }

    [Test]
    [TestCase("text/plain")]
    [TestCase(null)]
    public async Task Non_json_content_type_is_415_saying_what_to_send(string? mediaType)
    {
        var content = new StringContent("title=x", Encoding.UTF8);
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        var response = await _integrator.Client.PostAsync("/api/v1/offerings", content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo(Problems.UnsupportedMediaTypeTitle));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("Content-Type: application/json"));
    }

    [Test]
    public async Task Bodies_over_1_MB_are_413()
    {
        var body = MarketplaceApp.OfferingBody(description: new string('大', 600_000));

        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Test]
    public async Task Malformed_ids_in_routes_are_a_400_naming_the_id_even_without_a_key()
    {
        var response = await _app.Client().GetAsync("/api/v1/offerings/not-a-guid");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "id");
    }

    [Test]
    public async Task A_rejected_edit_changes_nothing_stored()
    {
        var created = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: "原标题"));
        var id = (await MarketplaceApp.ReadJsonAsync(created))["id"]!.GetValue<string>();
        var etag = created.Headers.ETag!.ToString();

        var bad = MarketplaceApp.OfferingBody(title: "新标题");
        bad["deployment"] = "cloud";
        var response = await _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}", etag, bad));
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "deployment");
        var malformed = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/offerings/{id}") { Content = new StringContent("{\"title\":", Encoding.UTF8, "application/json") };
        malformed.Headers.TryAddWithoutValidation("If-Match", etag);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.SendAsync(malformed), HttpStatusCode.BadRequest);

        var after = await _integrator.Client.GetAsync($"/api/v1/offerings/{id}");
        Assert.That(after.Headers.ETag!.ToString(), Is.EqualTo(etag));
        Assert.That((await MarketplaceApp.ReadJsonAsync(after))["title"]!.GetValue<string>(), Is.EqualTo("原标题"));
    }

    [TestCase(new[] { "全市", "璧山区" }, new[] { "全市" })]
    [TestCase(new[] { "璧山区", "全市", "璧山区" }, new[] { "全市" })]
    [TestCase(new[] { "璧山区", "璧山区" }, new[] { "璧山区" })]
    public async Task Districts_are_stored_as_few_as_say_the_same(string[] sent, string[] stored)
    {
        var body = MarketplaceApp.OfferingBody();
        body["districts"] = sent;

        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await MarketplaceApp.ReadJsonAsync(response);
        Assert.That(json["districts"]!.AsArray().Select(d => d!.GetValue<string>()), Is.EqualTo(stored));
    }

    [Test]
    public async Task Clients_cannot_set_id_owner_or_status()
    {
        var body = MarketplaceApp.OfferingBody();
        var forgedId = Guid.NewGuid();
        body["id"] = forgedId;
        body["status"] = "published";
        body["ownerId"] = Guid.NewGuid();

        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body);

        var json = await MarketplaceApp.ReadJsonAsync(response);
        Assert.That(json["id"]!.GetValue<string>(), Is.Not.EqualTo(forgedId.ToString()));
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(json["supplier"]!["id"]!.GetValue<string>(), Is.EqualTo(_integrator.Id.ToString()));
    }
}
