using System.Net;
using System.Text.Json.Nodes;
using Marketplace.Api.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Marketplace.Tests.Api;

/// <summary>
/// A query or path parameter that doesn't parse as its type is a 400 naming the parameter and the value, never a CLR type
/// (routes carry no type constraints, so a malformed id is not a bare 404).
/// </summary>
public class ParameterBindingTests
{
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = new MarketplaceApp();

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    [TestCase("GET", "/api/v1/offerings?pageSize=abc", "pageSize", "abc", "必须是整数 (must be an integer)")]
    [TestCase("GET", "/api/v1/offerings/search?page=1.5", "page", "1.5", "必须是整数 (must be an integer)")]
    [TestCase("GET", "/api/v1/offerings/search?maxPriceYuan=lots", "maxPriceYuan", "lots", "必须是整数 (must be an integer)")]
    [TestCase("GET", "/api/v1/matches/feed?limit=ten", "limit", "ten", "必须是整数 (must be an integer)")]
    [TestCase("GET", "/api/v1/organizations?page=99999999999", "page", "99999999999",
        "必须是 -2147483648 到 2147483647 之间的整数 (must be an integer between -2147483648 and 2147483647)")]
    [TestCase("GET", "/api/v1/scoreboard?year=last", "year", "last", "必须是整数 (must be an integer)")]
    [TestCase("GET", "/api/v1/stats/supply-demand?threshold=high", "threshold", "high", "必须是数字 (must be a number)")]
    [TestCase("GET", "/api/v1/engagements?itemId=42", "itemId", "42", "必须是 UUID (must be a UUID)")]
    [TestCase("GET", "/api/v1/cases/search?offeringId=not-a-uuid", "offeringId", "not-a-uuid", "必须是 UUID (must be a UUID)")]
    [TestCase("GET", "/api/v1/financing-needs?from=2024-13-45", "from", "2024-13-45", "必须是日期 yyyy-MM-dd (must be a date, yyyy-MM-dd)")]
    [TestCase("POST", "/api/v1/admin/search/reconcile?dryRun=maybe", "dryRun", "maybe", "必须是 true 或 false (must be true or false)")]
    [TestCase("GET", "/api/v1/offerings/not-a-uuid", "id", "not-a-uuid", "必须是 UUID (must be a UUID)")]
    [TestCase("GET", "/api/v1/demand-lists/42/matches", "id", "42", "必须是 UUID (must be a UUID)")]
    [TestCase("GET", "/api/v1/webhooks/6f1c2a5e-0d4b-4c1e-9a57-3b8e2f0c9d11/deliveries/latest", "deliveryId", "latest", "必须是 UUID (must be a UUID)")]
    [TestCase("DELETE", "/api/v1/organizations/6f1c2a5e-0d4b-4c1e-9a57-3b8e2f0c9d11/api-keys/first", "keyId", "first", "必须是 UUID (must be a UUID)")]
    [TestCase("GET", "/api/v1/diagnoses/6f1c2a5e-0d4b-4c1e-9a57-3b8e2f0c9d11/reports/v2", "version", "v2", "必须是整数 (must be an integer)")]
    public async Task A_value_of_the_wrong_type_is_a_400_naming_the_parameter(string method, string url, string field, string value, string message)
    {
        var response = await _app.Operator().SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
        Assert.That(problem["errors"]![field]!.AsArray().Select(m => m!.GetValue<string>()), Is.EqualTo(new[] { message }));
        var detail = problem["detail"]!.GetValue<string>();
        Assert.That(detail, Does.Contain(field).And.Contain($"\"{value}\""));
        Assert.That(problem.ToJsonString(), Does.Not.Contain("Nullable").And.Not.Contain("Failed to bind").And.Not.Contain("Int32").And.Not.Contain("Guid "));
    }

    [TestCase("/api/v1/offerings?page=1&page=2", "page")]
    [TestCase("/api/v1/offerings?page=1&page=2&pageSize=abc", "page", "pageSize")]
    [TestCase("/api/v1/financing-needs/export?format=csv&format=xlsx", "format")]
    [TestCase("/api/v1/offerings/search?district=500106&district=500107", "district")]
    [TestCase("/api/v1/offerings/search?q=%E7%84%8A%E6%8E%A5&sort=newest&q=%E6%9C%BA%E5%99%A8%E4%BA%BA&sort=price", "q", "sort")]
    public async Task A_parameter_taking_one_value_sent_twice_is_a_400_naming_it(string url, params string[] fields)
    {
        var response = await _app.Operator().GetAsync(url);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, fields[0]);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(fields));
        Assert.That(problem["errors"]![fields[0]]![0]!.GetValue<string>(), Is.EqualTo("只能给一个值 (one value only; got 2)."));
    }

    [TestCase("/api/v1/financing-needs?from=01/02/2026", "from", "01/02/2026")]
    [TestCase("/api/v1/financing-needs?from=2026-01-01&to=2026-01-31T10:00", "to", "2026-01-31T10:00")]
    [TestCase("/api/v1/financing-needs/export?from=2026/1/1", "from", "2026/1/1")]
    public async Task A_date_the_framework_would_read_but_not_written_yyyy_MM_dd_is_a_400_naming_it(string url, string field, string value)
    {
        var response = await _app.Operator().GetAsync(url);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, field);
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { field }));
        Assert.That(problem["errors"]![field]![0]!.GetValue<string>(), Is.EqualTo($"日期须写作 yyyy-MM-dd，收到 \"{value}\" (a date must be written yyyy-MM-dd)."));
    }

    [Test]
    public async Task A_loose_date_beside_a_value_that_does_not_bind_is_named_too()
    {
        var response = await _app.Operator().GetAsync("/api/v1/financing-needs?page=one&to=2026/1/31");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "to");
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "page", "to" }));
        Assert.That(problem["errors"]!["page"]![0]!.GetValue<string>(), Is.EqualTo("必须是整数 (must be an integer)"));
    }

    /// <summary>
    /// Every query parameter the document declares as a code list (district, direction, status …) rejects a value outside
    /// it: a typo must not read as "nothing found". Read from the served document, so a new endpoint is covered too.
    /// </summary>
    [Test]
    public async Task Every_code_list_query_parameter_rejects_an_unknown_code_naming_it()
    {
        var document = JsonNode.Parse(await _app.Client().GetStringAsync("/openapi/v1.json"))!;
        var codeLists = document["components"]!["schemas"]!.AsObject().Where(s => s.Value!["enum"] is not null).Select(s => $"#/components/schemas/{s.Key}").ToHashSet();
        var (checkedParameters, accepted) = (new List<string>(), new List<string>());
        foreach (var (path, operations) in document["paths"]!.AsObject().Where(p => !p.Key.Contains('{')))
        {
            foreach (var parameter in operations!["get"]?["parameters"]?.AsArray() ?? [])
            {
                var schema = parameter!["schema"]!;
                var reference = (schema["$ref"] ?? schema["items"]?["$ref"])?.GetValue<string>();
                if (parameter["in"]!.GetValue<string>() != "query" || reference is null || !codeLists.Contains(reference))
                {
                    continue;
                }
                var name = parameter["name"]!.GetValue<string>();
                var response = await _app.Operator().GetAsync($"{path}?{name}={Uri.EscapeDataString("不存在的值")}");

                var named = response.StatusCode == HttpStatusCode.BadRequest
                    && JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]?[name] is not null;
                (named ? checkedParameters : accepted).Add($"{path}?{name} ({(int)response.StatusCode})");
            }
        }
        Assert.That(accepted, Is.Empty, "answered without naming the unknown code");
        Assert.That(checkedParameters, Has.Count.GreaterThanOrEqualTo(20), string.Join(", ", checkedParameters));
    }

    [TestCase("/api/v1/offerings/search?direction=machinery&direction=electronics", TestName = "A parameter taking a list may be sent twice")]
    [TestCase("/api/v1/financing-needs?from=2026-01-01&to=2026-01-31", TestName = "Dates written yyyy-MM-dd filter as before")]
    public async Task Accepted_queries_are_answered(string url)
    {
        var response = await _app.Operator().GetAsync(url);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Every_bad_query_parameter_is_named_not_only_the_first()
    {
        var response = await _app.Operator().GetAsync($"/api/v1/offerings/search?page=one&pageSize=abc&maxPriceYuan=lots&q={Uri.EscapeDataString("检测")}");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "page");
        var errors = problem["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "page", "pageSize", "maxPriceYuan" }));
        Assert.That(errors["maxPriceYuan"]![0]!.GetValue<string>(), Is.EqualTo("必须是整数 (must be an integer)"));
    }

    [Test]
    public async Task A_value_out_of_its_range_beside_a_bad_one_is_named_too()
    {
        var response = await _app.Operator().GetAsync("/api/v1/offerings/search?page=0&pageSize=abc");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "pageSize");
        var errors = problem["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.EquivalentTo(new[] { "page", "pageSize" }));
        Assert.That(errors["page"]![0]!.GetValue<string>(), Does.StartWith("应在 1 到"));
    }

    [Test]
    public async Task Good_values_beside_a_bad_one_are_not_reported()
    {
        var response = await _app.Operator().GetAsync($"/api/v1/engagements?itemId=42&page=2&pageSize=5");

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "itemId");
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { "itemId" }));
    }

    /// <summary>No operation has a required query parameter today; the handler's mapping of the framework's message is checked directly.</summary>
    [Test]
    public async Task A_missing_required_parameter_is_a_400_naming_it()
    {
        var handler = new ProblemDetailsExceptionHandler(_app.Services.GetRequiredService<ILogger<ProblemDetailsExceptionHandler>>());
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Response.Body = new MemoryStream();

        var handled = await handler.TryHandleAsync(context,
            new BadHttpRequestException("Required parameter \"int year\" was not provided from query string.", StatusCodes.Status400BadRequest), CancellationToken.None);

        Assert.That(handled, Is.True);
        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status400BadRequest));
        var problem = JsonNode.Parse(((MemoryStream)context.Response.Body).ToArray())!.AsObject();
        Assert.That(problem["errors"]!["year"]![0]!.GetValue<string>(), Is.EqualTo("必填 (required)."));
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("year").And.Not.Contain("int "));
    }
}
