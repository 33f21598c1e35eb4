using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Marketplace.Api.Http;
using Marketplace.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Tests.Api;

/// <summary>
/// Every error is answered as problem details, whatever the request says it accepts or how it encodes its body; a write a
/// unique index refuses (the loser of a race the store's own check cannot see: two nodes, or SQL Server's concurrent
/// writers) is a 409 like the check's own refusal, never a 500.
/// </summary>
public class ErrorAnswerTests
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

    [Test]
    public async Task Unknown_routes_and_methods_are_answered_in_the_apis_own_words()
    {
        var missing = await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync("/api/v1/no-such-route"), HttpStatusCode.NotFound);
        var method = await ProblemAssert.IsProblemAsync(
            await _app.Client().SendAsync(new HttpRequestMessage(HttpMethod.Patch, "/api/v1/offerings")), HttpStatusCode.MethodNotAllowed);
        var invalid = await ProblemAssert.IsProblemAsync(
            await _app.Operator().PostAsJsonAsync("/api/v1/organizations", new { kind = "integrator" }), HttpStatusCode.BadRequest, "name");

        Assert.Multiple(() =>
        {
            Assert.That(missing["title"]!.GetValue<string>(), Is.EqualTo("未找到 (not found)"));
            Assert.That(missing["type"]!.GetValue<string>(), Is.EqualTo("https://httpstatuses.io/404"));
            Assert.That(missing["detail"]!.GetValue<string>(), Does.Contain("/api/v1/no-such-route"));
            Assert.That(method["title"]!.GetValue<string>(), Is.EqualTo("不支持该方法 (method not allowed)"));
            Assert.That(method["detail"]!.GetValue<string>(), Does.Contain("GET"), "names the methods the route takes");
            Assert.That(invalid["detail"]!.GetValue<string>(), Does.StartWith("有字段不符合要求"));
        });
    }

    [Test]
    public async Task A_body_naming_a_field_twice_is_400()
    {
        var body = new StringContent("""{"kind":"integrator","name":"甲公司","name":"乙公司","creditCode":"x","district":"渝北区"}""", Encoding.UTF8, "application/json");

        var problem = await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsync("/api/v1/organizations", body), HttpStatusCode.BadRequest);

        Assert.That(problem["errors"]!["name"]![0]!.GetValue<string>(), Does.StartWith("字段重复出现"));
    }

    [TestCase("text/html")]
    [TestCase("application/xml")]
    [TestCase("text/plain")]
    [TestCase("image/png")]
    public async Task Errors_are_problem_details_whatever_the_Accept_header(string accept)
    {
        async Task<HttpResponseMessage> Send(HttpClient client, string url)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Accept.ParseAdd(accept);
            return await client.SendAsync(request);
        }
        await ProblemAssert.IsProblemAsync(await Send(_app.Client(), $"/api/v1/offerings/{Guid.Empty}"), HttpStatusCode.NotFound);
        var unauthorized = await Send(_app.Client(), "/api/v1/organizations/me");
        await ProblemAssert.IsProblemAsync(unauthorized, HttpStatusCode.Unauthorized);
        Assert.That(unauthorized.Headers.WwwAuthenticate, Is.Not.Empty);
        await ProblemAssert.IsProblemAsync(await Send(_app.Operator(), "/api/v1/offerings?pageSize=abc"), HttpStatusCode.BadRequest, "pageSize");
        await ProblemAssert.IsProblemAsync(await Send(_app.Client(), "/api/v1/no-such-route"), HttpStatusCode.NotFound);
    }

    [TestCase("gbk")]
    [TestCase("nonsense")]
    public async Task A_body_in_a_charset_the_server_cannot_read_is_a_415(string charset)
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"items":[{"text":"想上一套焊接机器人"}]}"""));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"application/json; charset={charset}");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsync("/api/v1/demand-lists", content), HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("gzip")]
    [TestCase("br")]
    public async Task An_encoded_body_is_a_415_not_malformed_JSON_nor_silently_read(string encoding)
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var content = new StringContent("""{"items":[{"text":"想上一套焊接机器人"}]}""", Encoding.UTF8, "application/json");
        content.Headers.ContentEncoding.Add(encoding);
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsync("/api/v1/demand-lists", content), HttpStatusCode.UnsupportedMediaType);
    }

    [TestCase("""{"items":[{"text":"想上一套焊接机器人","budgetYuan":"500000"}]}""", "items[0].budgetYuan")]
    [TestCase("""{"items":[{"text":"想上一套焊接机器人","withinDays":"60"}]}""", "items[0].withinDays")]
    public async Task A_number_sent_as_a_string_is_a_400_naming_the_field(string body, string field)
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsync("/api/v1/demand-lists", content), HttpStatusCode.BadRequest, field);
        var lists = await enterprise.Client.GetStringAsync("/api/v1/demand-lists");
        Assert.That(lists, Does.Not.Contain("焊接机器人"), "nothing is stored");
    }

    [Test]
    public async Task A_second_diagnosis_of_a_project_is_refused_by_the_database_and_answered_409()
    {
        var db = _app.Services.GetRequiredService<Database>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("PRAGMA foreign_keys = OFF"); // the row's references are not what is tested
        const string insert = """
            INSERT INTO diagnoses (id, project_id, enterprise_id, district, assessor_id, assigned_by, status, latest_version, row_version, created_at, updated_at)
            VALUES (@Id, @ProjectId, @Id, '璧山区', @Id, @Id, 'assigned', 0, 1, '2026-12-06T00:00:00+00:00', '2026-12-06T00:00:00+00:00')
            """;
        var project = Guid.NewGuid();
        await c.ExecuteAsync(insert, new { Id = Guid.NewGuid(), ProjectId = project });

        var refused = Assert.CatchAsync(async () => await c.ExecuteAsync(insert, new { Id = Guid.NewGuid(), ProjectId = project }));

        Assert.That(StorageErrors.IsUniqueViolation(refused!), Is.True, refused!.Message);
        Assert.That(StorageErrors.IsTransient(refused), Is.False);
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Response.Body = new MemoryStream();
        var handled = await new ProblemDetailsExceptionHandler(NullLogger<ProblemDetailsExceptionHandler>.Instance).TryHandleAsync(context, refused, CancellationToken.None);
        Assert.That(handled, Is.True);
        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status409Conflict));
        context.Response.Body.Position = 0;
        Assert.That(await new StreamReader(context.Response.Body).ReadToEndAsync(), Does.Contain("fetch it again").And.Not.Contains("UNIQUE"));
    }
}
