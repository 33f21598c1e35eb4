using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Api;

/// <summary>Issue 9 item 4: bad keys are refused everywhere, rate limits per organization and per address with Retry-After.</summary>
[Parallelizable(ParallelScope.All)]
public partial class AccessLimitTests
{
    /// <summary>Every API operation, with its route parameters filled in (ids that do not exist).</summary>
    private static IReadOnlyList<(HttpMethod Method, string Path)> Operations(MarketplaceApp app)
    {
        var operations = app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (new HttpMethod(m), RouteParameter().Replace(e.RoutePattern.RawText!, Guid.NewGuid().ToString()))))
            .Distinct()
            .ToArray();
        Assert.That(operations, Has.Length.GreaterThan(20), "the endpoints were found");
        return operations;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string key)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("X-Api-Key", key);
        if (method == HttpMethod.Post || method == HttpMethod.Put)
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        return request;
    }

    [Test]
    public async Task An_unknown_or_revoked_key_is_refused_with_401_on_every_operation_never_served_as_anonymous()
    {
        using var app = new MarketplaceApp();
        var integrator = await app.CreateOrganizationAsync("integrator");
        var rotated = await app.Operator().PostAsync($"/api/v1/organizations/{integrator.Id}/api-keys/rotate", null);
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK), await rotated.Content.ReadAsStringAsync());
        var revoked = integrator.ApiKey; // rotating revoked it
        var client = app.Client();
        foreach (var key in new[] { "mk_made-up-key-0000000000000000", revoked, new string('k', 500) })
        {
            foreach (var (method, path) in Operations(app))
            {
                var response = await client.SendAsync(Request(method, path, key));
                var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("X-Api-Key"), $"{method} {path}");
                AssertChallenge(response, $"{method} {path}");
            }
        }
        Assert.That((await client.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "without a key: public reads stay public");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    /// <summary>A 401 says how to authenticate (RFC 9110 §11.6.1).</summary>
    private static void AssertChallenge(HttpResponseMessage response, string what) =>
        Assert.That(response.Headers.WwwAuthenticate.ToString(), Is.EqualTo("ApiKey header=\"X-Api-Key\""), what);

    [TestCase("")]
    [TestCase("   ")]
    public async Task A_blank_key_is_refused_with_401_and_a_request_without_the_header_stays_anonymous(string blank)
    {
        // On Kestrel: the header goes over the wire as a client sends it (the in-memory test server drops an empty one).
        using var app = new MarketplaceApp();
        app.UseKestrel(0);
        app.StartServer();
        var client = app.Client();
        foreach (var path in new[] { "/api/v1/taxonomy", "/api/v1/offerings/search?q=焊接", "/api/v1/organizations/me" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            Assert.That(request.Headers.TryAddWithoutValidation("X-Api-Key", blank), Is.True);
            var response = await client.SendAsync(request);
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Unauthorized);
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("X-Api-Key"), path);
            AssertChallenge(response, path);
        }
        Assert.That((await client.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "no header: anonymous");
        Assert.That((await client.GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "no header: anonymous");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Every_401_carries_the_challenge()
    {
        using var app = new MarketplaceApp();
        var anonymous = app.Client();
        // The authentication handler's challenge (an endpoint behind a key), and the 401 of a handler that needs the caller.
        var challenged = await anonymous.GetAsync("/api/v1/matches/feed");
        await ProblemAssert.IsProblemAsync(challenged, HttpStatusCode.Unauthorized);
        AssertChallenge(challenged, "GET /api/v1/matches/feed without a key");
        var ownOfferings = await anonymous.GetAsync("/api/v1/offerings?owner=me");
        await ProblemAssert.IsProblemAsync(ownOfferings, HttpStatusCode.Unauthorized);
        AssertChallenge(ownOfferings, "GET /api/v1/offerings?owner=me without a key");
        // Other refusals don't challenge.
        var integrator = await app.CreateOrganizationAsync("integrator");
        var forbidden = await integrator.Client.GetAsync("/api/v1/matches/feed");
        await ProblemAssert.IsProblemAsync(forbidden, HttpStatusCode.Forbidden);
        Assert.That(forbidden.Headers.WwwAuthenticate, Is.Empty);
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task A_made_up_key_does_not_escape_the_anonymous_limit()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?>
        {
            ["Marketplace:RateLimit:AnonymousPermitLimit"] = "3",
            ["Marketplace:RateLimit:WindowSeconds"] = "60",
        });
        var client = app.Client();
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await client.GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        await ProblemAssert.IsProblemAsync(await client.GetAsync("/api/v1/offerings/search?q=焊接"), HttpStatusCode.TooManyRequests);

        // The bypass of the last round: the same read with a random key. It is neither served nor let past the limit.
        var withMadeUpKey = await client.SendAsync(Request(HttpMethod.Get, "/api/v1/offerings/search?q=焊接", "mk_" + Guid.NewGuid().ToString("N")));
        Assert.That(withMadeUpKey.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests), "counted against the address like any request without a valid key");
        Assert.That((await app.Operator().GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a valid key has its organization's own limit");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Each_organization_has_its_own_limit_and_a_refusal_says_when_to_retry()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?>
        {
            ["Marketplace:RateLimit:AuthenticatedPermitLimit"] = "4",
            ["Marketplace:RateLimit:AnonymousPermitLimit"] = "2",
            ["Marketplace:RateLimit:WindowSeconds"] = "30",
        });
        var first = await app.CreateOrganizationAsync("enterprise");
        var second = await app.CreateOrganizationAsync("enterprise");
        // The operator created two organizations: 2 of its 4.
        for (var i = 0; i < 4; i++)
        {
            Assert.That((await first.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        var limited = await first.Client.GetAsync("/api/v1/organizations/me");
        var problem = await ProblemAssert.IsProblemAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("organization"));
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.That(retryAfter, Is.Not.Null, "Retry-After in seconds");
        Assert.That(retryAfter!.Value.TotalSeconds, Is.InRange(1, 30));

        // A second key of the same organization shares its limit; another organization and anonymous callers do not.
        var rotated = await first.Client.PostAsync($"/api/v1/organizations/{first.Id}/api-keys/rotate", null);
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That((await second.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var anonymous = app.Client();
        Assert.That((await anonymous.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await anonymous.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var anonymousLimited = await anonymous.GetAsync("/api/v1/taxonomy");
        await ProblemAssert.IsProblemAsync(anonymousLimited, HttpStatusCode.TooManyRequests);
        Assert.That(anonymousLimited.Headers.RetryAfter?.Delta?.TotalSeconds, Is.InRange(1, 30));
        Assert.That((await anonymous.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "health checks are not rate-limited");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Retry_After_counts_down_the_callers_window_and_a_retry_then_is_served()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?>
        {
            ["Marketplace:RateLimit:AnonymousPermitLimit"] = "3",
            ["Marketplace:RateLimit:WindowSeconds"] = "8",
        });
        var anonymous = app.Client();
        async Task<TimeSpan> LimitedAsync()
        {
            for (var i = 0; i < 10; i++)
            {
                var response = await anonymous.GetAsync("/api/v1/taxonomy");
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    return response.Headers.RetryAfter!.Delta!.Value;
                }
            }
            Assert.Fail("never limited");
            return TimeSpan.Zero;
        }

        var first = await LimitedAsync();
        if (first.TotalSeconds < 4)
        {
            await Task.Delay(first); // too near the window's end to see it count down: start in the next one
            first = await LimitedAsync();
        }
        Assert.That(first.TotalSeconds, Is.InRange(4, 8));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var later = await LimitedAsync();
        Assert.That(later.TotalSeconds, Is.InRange(first.TotalSeconds - 3, first.TotalSeconds - 1), "what is left of the window, not the whole window");
        await Task.Delay(later);
        Assert.That((await anonymous.GetAsync("/api/v1/taxonomy")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "a retry after Retry-After is served");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Oversized_bodies_are_413_stating_the_limit_with_or_without_a_content_length()
    {
        // On Kestrel: the in-memory test server has no body-size limit of its own, so only a real server stops a chunked body.
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?> { ["Marketplace:MaxRequestBodyBytes"] = "4096" });
        app.UseKestrel(0);
        app.StartServer();
        var integrator = await app.CreateOrganizationAsync("integrator");
        var body = MarketplaceApp.OfferingBody(description: new string('长', 3_000)); // ≈ 9 KB of UTF-8
        var json = System.Text.Json.JsonSerializer.Serialize(body);

        var declared = new StringContent(json, Encoding.UTF8, "application/json");
        var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/offerings") { Content = JsonContent.Create(body) };
        chunkedRequest.Headers.TransferEncodingChunked = true; // no Content-Length: the limit applies while the body is read
        var problems = new List<JsonObject>();
        foreach (var response in new[] { await integrator.Client.PostAsync("/api/v1/offerings", declared), await integrator.Client.SendAsync(chunkedRequest) })
        {
            var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
            Assert.That(problem["title"]!.GetValue<string>(), Is.EqualTo("请求体过大 (payload too large)"));
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("4096 bytes"));
            problems.Add(problem);
        }
        Assert.That(chunkedRequest.Content.Headers.ContentLength, Is.Null, "the second body was sent chunked");
        Assert.That(problems[1]["detail"]!.GetValue<string>(), Is.EqualTo(problems[0]["detail"]!.GetValue<string>()), "the same answer either way");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
