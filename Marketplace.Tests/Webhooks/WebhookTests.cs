using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Marketplace.Core.Storage;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using Microsoft.Extensions.DependencyInjection;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;
using static Marketplace.Tests.Webhooks.WebhookReceiver;

namespace Marketplace.Tests.Webhooks;

/// <summary>Webhooks through the HTTP API with a real receiver (Kestrel on loopback): signatures, retries, dead letters, redelivery, several nodes.</summary>
public class WebhookTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly MovableClock _clock = new();
    private DemandsHost _host = null!;
    private WebhookReceiver _receiver = null!;

    public static Dictionary<string, string?> FastDelivery(string? dataDirectory = null) => new()
    {
        ["Marketplace:Webhooks:AllowHttp"] = "true",
        ["Marketplace:Webhooks:AllowPrivateNetworks"] = "true",
        ["Marketplace:Webhooks:PollInterval"] = "00:00:00.050",
        ["Marketplace:Webhooks:InitialBackoff"] = "00:00:00.200",
        ["Marketplace:Webhooks:MaxBackoff"] = "00:00:01",
        ["Marketplace:Webhooks:AttemptTimeout"] = "00:00:01",
        ["Marketplace:Webhooks:CircuitBreakDuration"] = "00:00:00.500",
        ["Marketplace:Leases:Duration"] = "00:00:03",
    };

    [OneTimeSetUp]
    public async Task Start()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _host = new DemandsHost(services => services.AddSingleton<TimeProvider>(_clock), FastDelivery());
        await _host.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _host.Dispose();
        await _receiver.DisposeAsync();
    }

    /// <summary>Registers an endpoint at a fresh receiver path; returns its id, secret and path.</summary>
    public static async Task<(Guid Id, string Secret, string Path)> RegisterAsync(Org org, WebhookReceiver receiver, params string[] eventTypes)
    {
        var path = "/" + Guid.NewGuid().ToString("N");
        var response = await org.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url(path), eventTypes, description = "测试接收端" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await ReadJsonAsync(response);
        return (Guid.Parse(json["endpoint"]!["id"]!.GetValue<string>()), json["secret"]!.GetValue<string>(), path);
    }

    private async Task<JsonArray> DeliveriesAsync(Org org, Guid endpoint, string? status = null) =>
        (await GetJsonAsync(org.Client, $"/api/v1/webhooks/{endpoint}/deliveries?pageSize=100{(status is null ? "" : "&status=" + status)}"))["items"]!.AsArray();

    [Test]
    public async Task Registration_is_validated_and_the_secret_is_shown_once()
    {
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        var integrator = await _host.CreateOrganizationAsync("integrator");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url("/x"), eventTypes = new[] { "lead.created" } }),
            HttpStatusCode.BadRequest, "eventTypes[0]");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url("/x"), eventTypes = new[] { "match.exploded" } }),
            HttpStatusCode.BadRequest, "eventTypes[0]");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://example.com/hook", eventTypes = new[] { "match.changed" } }),
            HttpStatusCode.BadRequest, "url");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", new { eventTypes = Array.Empty<string>() }), HttpStatusCode.BadRequest, "eventTypes");

        var (id, secret, _) = await RegisterAsync(enterprise, _receiver, "match.changed", "engagement.changed");
        Assert.That(secret, Does.StartWith("whsec_"));
        var read = await enterprise.Client.GetAsync($"/api/v1/webhooks/{id}");
        var text = await read.Content.ReadAsStringAsync();
        Assert.That(read.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(text, Does.Not.Contain(secret), "the secret is shown only when created or rotated");
        await ProblemAssert.IsProblemAsync(await integrator.Client.GetAsync($"/api/v1/webhooks/{id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await integrator.Client.GetAsync($"/api/v1/webhooks/{id}/deliveries"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/webhooks/{id}", null,
            new { url = _receiver.Url("/y"), eventTypes = new[] { "match.changed" } })), HttpStatusCode.PreconditionRequired);
        var types = await enterprise.Client.GetStringAsync("/api/v1/webhooks/event-types");
        Assert.That(types, Does.Contain("engagement.changed"));

        // Outside Development, plain http and internal addresses are refused.
        using var production = new MarketplaceApp();
        var org = await production.CreateOrganizationAsync("enterprise");
        await ProblemAssert.IsProblemAsync(await org.Client.PostAsJsonAsync("/api/v1/webhooks", new { url = _receiver.Url("/x"), eventTypes = new[] { "match.changed" } }),
            HttpStatusCode.BadRequest, "url");
        foreach (var url in new[] { "https://127.0.0.1/hook", "https://localhost./hook", "https://127.0.0.1./hook", "https://[64:ff9b::a9fe:a9fe]/x",
            "https://[2002:a00:1::]/x", "https://192.0.2.2:5398/hook", "https://[2001:db8::1]/x", "https://vm:5398/hook" })
        {
            await ProblemAssert.IsProblemAsync(await org.Client.PostAsJsonAsync("/api/v1/webhooks", new { url, eventTypes = new[] { "match.changed" } }),
                HttpStatusCode.BadRequest, "url");
        }
        DeleteDirectory(production.DataDirectory);
    }

    [Test]
    public async Task A_delete_with_a_stale_if_match_is_a_412_and_deletes_nothing()
    {
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        var (id, _, _) = await RegisterAsync(enterprise, _receiver, "match.changed");
        var etag = (await enterprise.Client.GetAsync($"/api/v1/webhooks/{id}")).Headers.ETag!.ToString();

        await ProblemAssert.IsProblemAsync(await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/v1/webhooks/{id}", "\"42\"")),
            HttpStatusCode.PreconditionFailed);

        Assert.That((await enterprise.Client.GetAsync($"/api/v1/webhooks/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/v1/webhooks/{id}", etag))).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task A_url_registered_twice_is_a_409_naming_the_endpoint_and_free_again_once_deleted()
    {
        // A registration retried after a lost answer (it takes no Idempotency-Key: its answer holds the secret) made a second
        // endpoint, and every event was delivered twice.
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        var (id, _, path) = await RegisterAsync(enterprise, _receiver, "match.changed");
        var again = new { url = _receiver.Url(path), eventTypes = new[] { "match.changed", "engagement.changed" } };

        var twice = await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", again);

        await ProblemAssert.IsProblemAsync(twice, HttpStatusCode.Conflict);
        Assert.That(await twice.Content.ReadAsStringAsync(), Does.Contain(id.ToString()));
        var shouted = new { url = _receiver.Url(path).Replace("http://", "HTTP://"), eventTypes = new[] { "match.changed" } };
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", shouted), HttpStatusCode.Conflict);
        var emptyQuery = new { url = _receiver.Url(path) + "?", eventTypes = new[] { "match.changed" } };
        await ProblemAssert.IsProblemAsync(await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", emptyQuery), HttpStatusCode.Conflict);
        var (second, _, _) = await RegisterAsync(enterprise, _receiver, "match.changed");
        var secondRead = await enterprise.Client.GetAsync($"/api/v1/webhooks/{second}");
        var moved = await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/webhooks/{second}", secondRead.Headers.ETag!.ToString(), again));
        await ProblemAssert.IsProblemAsync(moved, HttpStatusCode.Conflict);
        // Endpoints that share a URL from before the check can still be edited (paused) as long as the URL stays.
        var db = _host.Services.GetRequiredService<Database>();
        await using (var c = await db.OpenAsync(CancellationToken.None))
        {
            await c.ExecuteAsync(db.Command("UPDATE webhook_endpoints SET url = @Url WHERE id = @Id", new { Url = _receiver.Url(path), Id = second }));
        }
        var shared = await enterprise.Client.GetAsync($"/api/v1/webhooks/{second}");
        var paused = await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, $"/api/v1/webhooks/{second}", shared.Headers.ETag!.ToString(),
            new { url = _receiver.Url(path), eventTypes = new[] { "match.changed" }, active = false }));
        Assert.That(paused.StatusCode, Is.EqualTo(HttpStatusCode.OK), await paused.Content.ReadAsStringAsync());
        Assert.That((await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/v1/webhooks/{second}", paused.Headers.ETag!.ToString()))).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        var other = await _host.CreateOrganizationAsync("enterprise");
        Assert.That((await other.Client.PostAsJsonAsync("/api/v1/webhooks", again)).StatusCode, Is.EqualTo(HttpStatusCode.Created), "another organization's endpoint may share the URL");
        var endpoint = await enterprise.Client.GetAsync($"/api/v1/webhooks/{id}");
        Assert.That((await enterprise.Client.SendAsync(WithIfMatch(HttpMethod.Delete, $"/api/v1/webhooks/{id}", endpoint.Headers.ETag!.ToString()))).StatusCode,
            Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", again)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task Both_parties_receive_signed_engagement_events_that_a_receiver_verifies()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var enterprise = await _host.CreateOrganizationAsync("enterprise");
        var offering = await _host.PublishOfferingAsync(integrator, OfferingBody(title: "焊接机器人回调测试"));
        var forIntegrator = await RegisterAsync(integrator, _receiver, "engagement.changed", "lead.created");
        var forEnterprise = await RegisterAsync(enterprise, _receiver, "engagement.changed", "match.changed");
        var itemId = await ItemMatchingAsync(enterprise, offering, "焊接机器人回调测试 焊缝");
        var (opened, etag) = await OpenAsync(enterprise, itemId, offering);
        await StepAsync(integrator, Guid.Parse(opened["id"]!.GetValue<string>()), etag, new { action = "accept" });

        await EventuallyAsync(() => _receiver.At(forIntegrator.Path).Count(r => r.Type == "engagement.changed") >= 2
            && _receiver.At(forEnterprise.Path).Count(r => r.Type == "engagement.changed") >= 2, Patience, "both parties got both engagement events");
        foreach (var (path, secret) in new[] { (forIntegrator.Path, forIntegrator.Secret), (forEnterprise.Path, forEnterprise.Secret) })
        {
            var received = _receiver.At(path).Where(r => r.Type == "engagement.changed").OrderBy(r => r.At).ToArray();
            Assert.That(received.Select(r => SignatureIsValid(r, secret, TimeSpan.FromMinutes(5), _clock.GetUtcNow())), Is.All.True, "every delivery verifies with the endpoint's secret");
            Assert.That(received.Select(r => SignatureIsValid(r, "whsec_wrong", TimeSpan.FromMinutes(5), _clock.GetUtcNow())), Is.All.False);
            Assert.That(received.Select(r => r.Json["id"]!.GetValue<string>()), Is.EqualTo(received.Select(r => r.EventId)), "the body's id is the idempotency id");
            Assert.That(received.Select(r => r.Json["data"]!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "request", "accept" }));
            Assert.That(received[1].Json["data"]!["status"]!.GetValue<string>(), Is.EqualTo("accepted"));
        }
        var tampered = _receiver.At(forEnterprise.Path)[0] with { Body = _receiver.At(forEnterprise.Path)[0].Body.Replace("accept", "decline") + " " };
        Assert.That(SignatureIsValid(tampered, forEnterprise.Secret, TimeSpan.FromMinutes(5), _clock.GetUtcNow()), Is.False, "a changed body fails verification");
        await EventuallyAsync(() => _receiver.At(forEnterprise.Path).Any(r => r.Type == "match.changed")
            && _receiver.At(forIntegrator.Path).Any(r => r.Type == "lead.created"), Patience, "the list's matches and the integrator's lead are announced");
        var lead = _receiver.At(forIntegrator.Path).First(r => r.Type == "lead.created").Json;
        Assert.That(lead["data"]!["offerings"]!.AsArray().Select(o => o!["offeringId"]!.GetValue<string>()), Does.Contain(offering.ToString()));
    }

    [Test]
    public async Task A_receiver_that_fails_then_times_out_then_recovers_gets_the_event_with_the_same_id_after_backoff()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var (endpoint, secret, path) = await RegisterAsync(integrator, _receiver, "review.decided");
        _receiver.Behaviour = (p, n) => p != path ? (200, TimeSpan.Zero) : n switch
        {
            1 => (500, TimeSpan.Zero),
            2 => (200, TimeSpan.FromSeconds(3)), // no answer within the 1 s attempt timeout
            _ => (200, TimeSpan.Zero),
        };
        try
        {
            await _host.PublishOfferingAsync(integrator, OfferingBody(title: "回调重试测试方案"));
            await EventuallyAsync(() => _receiver.At(path).Count >= 3, Patience, "three attempts reached the receiver");
            JsonObject delivery = null!;
            await EventuallyAsync(() =>
            {
                var list = DeliveriesAsync(integrator, endpoint).GetAwaiter().GetResult();
                delivery = list[0]!.AsObject();
                return delivery["status"]!.GetValue<string>() == "delivered";
            }, Patience, "the delivery is marked delivered");

            var requests = _receiver.At(path);
            Assert.That(requests.Select(r => r.EventId).Distinct().Count(), Is.EqualTo(1), "one event: the same idempotency id on every attempt");
            Assert.That(requests.Select(r => r.Attempt), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(requests.Select(r => SignatureIsValid(r, secret, TimeSpan.FromMinutes(5), _clock.GetUtcNow())), Is.All.True);
            var detail = await GetJsonAsync(integrator.Client, $"/api/v1/webhooks/{endpoint}/deliveries/{delivery["id"]}");
            var attempts = detail["attemptLog"]!.AsArray();
            Assert.That(attempts.Select(a => a!["statusCode"]?.GetValue<int?>()), Is.EqualTo(new int?[] { 500, null, 200 }));
            Assert.That(attempts[1]!["error"]!.GetValue<string>(), Does.Contain("no answer"));
            Assert.That(detail["payload"]!["type"]!.GetValue<string>(), Is.EqualTo("review.decided"));
            Assert.That(detail["payload"]!["data"]!["decision"]!.GetValue<string>(), Is.EqualTo("approved"));
            // Exponential back-off: the second retry waited about twice as long as the first (200 ms, 400 ms, ±20 %).
            Assert.That((requests[1].At - requests[0].At).TotalMilliseconds, Is.GreaterThanOrEqualTo(150));
            Assert.That((requests[2].At - requests[1].At).TotalMilliseconds, Is.GreaterThanOrEqualTo(1_000 + 300), "timeout, then the longer back-off");
        }
        finally
        {
            _receiver.Behaviour = (_, _) => (200, TimeSpan.Zero);
        }
    }

    [Test]
    public async Task After_a_day_of_failures_a_delivery_is_dead_and_the_organization_redelivers_it()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var (endpoint, _, path) = await RegisterAsync(integrator, _receiver, "review.decided");
        var failing = true;
        _receiver.Behaviour = (p, _) => p == path && failing ? (503, TimeSpan.Zero) : (200, TimeSpan.Zero);
        try
        {
            await _host.PublishOfferingAsync(integrator, OfferingBody(title: "死信测试方案"));
            await EventuallyAsync(() => _receiver.At(path).Count >= 2, Patience, "a few failed attempts");
            _clock.Offset += TimeSpan.FromHours(25); // a day later: the next failure is past the retry period
            JsonArray dead = null!;
            await EventuallyAsync(() => (dead = DeliveriesAsync(integrator, endpoint, "dead").GetAwaiter().GetResult()).Count == 1, Patience, "the delivery is dead");
            var eventId = dead[0]!["eventId"]!.GetValue<string>();
            Assert.That(dead[0]!["lastStatusCode"]!.GetValue<int>(), Is.EqualTo(503));
            Assert.That(await DeliveriesAsync(integrator, endpoint, "pending"), Is.Empty);
            var before = _receiver.At(path).Count;
            await Task.Delay(500);
            Assert.That(_receiver.At(path).Count, Is.EqualTo(before), "a dead delivery is not retried");

            failing = false;
            var redelivered = await integrator.Client.PostAsync($"/api/v1/webhooks/{endpoint}/deliveries/{dead[0]!["id"]}/redeliver", null);
            Assert.That(redelivered.StatusCode, Is.EqualTo(HttpStatusCode.OK), await redelivered.Content.ReadAsStringAsync());
            await EventuallyAsync(() => DeliveriesAsync(integrator, endpoint, "delivered").GetAwaiter().GetResult().Count == 1, Patience, "the redelivery succeeds");
            Assert.That(_receiver.At(path).Last().EventId, Is.EqualTo(eventId), "redelivered with the same idempotency id");
            await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsync($"/api/v1/webhooks/{endpoint}/deliveries/{Guid.NewGuid()}/redeliver", null), HttpStatusCode.NotFound);
            var other = await _host.CreateOrganizationAsync("integrator");
            await ProblemAssert.IsProblemAsync(await other.Client.PostAsync($"/api/v1/webhooks/{endpoint}/deliveries/{dead[0]!["id"]}/redeliver", null), HttpStatusCode.NotFound);
        }
        finally
        {
            _receiver.Behaviour = (_, _) => (200, TimeSpan.Zero);
        }
    }

    [Test]
    public async Task A_slow_receiver_blocks_neither_the_api_nor_other_receivers()
    {
        var slowOrg = await _host.CreateOrganizationAsync("integrator");
        var fastOrg = await _host.CreateOrganizationAsync("integrator");
        var slow = await RegisterAsync(slowOrg, _receiver, "review.decided");
        var fast = await RegisterAsync(fastOrg, _receiver, "review.decided");
        _receiver.Behaviour = (p, _) => p == slow.Path ? (200, TimeSpan.FromMilliseconds(900)) : (200, TimeSpan.Zero);
        try
        {
            for (var n = 0; n < 6; n++)
            {
                await _host.PublishOfferingAsync(slowOrg, OfferingBody(title: $"慢接收端方案{n}"));
            }
            var started = DateTime.UtcNow;
            await _host.PublishOfferingAsync(fastOrg, OfferingBody(title: "快接收端方案"));
            var api = DateTime.UtcNow - started;
            await EventuallyAsync(() => _receiver.At(fast.Path).Count == 1, Patience, "the fast receiver got its event");
            var fastLatency = DateTime.UtcNow - started;
            Assert.That(api, Is.LessThan(TimeSpan.FromSeconds(2)), "the API answers at once (deliveries are asynchronous)");
            Assert.That(_receiver.At(slow.Path).Count, Is.LessThan(6), "the slow receiver is still being served");
            Assert.That(fastLatency, Is.LessThan(TimeSpan.FromSeconds(3)), "the fast receiver did not wait behind the slow one");
            await EventuallyAsync(() => DeliveriesAsync(slowOrg, slow.Id, "delivered").GetAwaiter().GetResult().Count == 6, Patience,
                "the slow receiver gets all its events in the end");
            // Its deliveries are sent one after another in one batch that outlasts a lease renewal: each settled delivery
            // must not read as a row taken over (which cancelled the next one in flight and sent it again).
            // (An attempt that outlasts the 1 s attempt timeout on a loaded machine is retried as the next attempt: that is not it.)
            var received = _receiver.At(slow.Path);
            Assert.That(received.Select(r => (r.EventId, r.Attempt)), Is.Unique, "no attempt of an event is sent twice");
            Assert.That(received.Select(r => r.EventId).Distinct().Count(), Is.EqualTo(6));
        }
        finally
        {
            _receiver.Behaviour = (_, _) => (200, TimeSpan.Zero);
        }
    }

    [Test]
    public async Task After_a_rotation_deliveries_are_signed_with_the_new_and_the_previous_secret()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var (endpoint, oldSecret, path) = await RegisterAsync(integrator, _receiver, "review.decided");
        var rotated = await integrator.Client.PostAsync($"/api/v1/webhooks/{endpoint}/rotate-secret", null);
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var newSecret = (await ReadJsonAsync(rotated))["secret"]!.GetValue<string>();
        Assert.That(newSecret, Is.Not.EqualTo(oldSecret));

        await _host.PublishOfferingAsync(integrator, OfferingBody(title: "密钥轮换测试方案"));
        await EventuallyAsync(() => _receiver.At(path).Count == 1, Patience, "the event arrived");

        var received = _receiver.At(path)[0];
        Assert.That(received.Signature.Split(',').Length, Is.EqualTo(2));
        Assert.That(SignatureIsValid(received, newSecret, TimeSpan.FromMinutes(5), _clock.GetUtcNow()), Is.True);
        Assert.That(SignatureIsValid(received, oldSecret, TimeSpan.FromMinutes(5), _clock.GetUtcNow()), Is.True, "the previous secret still verifies during the grace period");
    }

    [Test]
    public async Task Rotations_sent_at_once_with_one_etag_hand_out_one_secret()
    {
        var integrator = await _host.CreateOrganizationAsync("integrator");
        var (endpoint, _, _) = await RegisterAsync(integrator, _receiver, "review.decided");
        var etag = (await integrator.Client.GetAsync($"/api/v1/webhooks/{endpoint}")).Headers.ETag!.ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            integrator.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/webhooks/{endpoint}/rotate-secret", etag))));

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.EqualTo(1), string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        Assert.That(answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.PreconditionFailed));
    }

    [Test]
    public async Task Two_nodes_deliver_each_event_once_per_endpoint()
    {
        var directory = Path.Combine(Path.GetTempPath(), "marketplace-tests", Guid.NewGuid().ToString("N"));
        var settings = FastDelivery();
        var first = new MarketplaceApp(directory, settings);
        var secondSettings = new Dictionary<string, string?>(settings)
        {
            ["Marketplace:Search:IndexDirectory"] = Path.Combine(directory, "index-node2"),
            ["Marketplace:Search:Indexer:Enabled"] = "false",
        };
        var second = new MarketplaceApp(directory, secondSettings);
        try
        {
            await DeliverOnTwoNodesAsync(first, second);
        }
        finally
        {
            // Both nodes stop (and commit their indexes) before their folder goes.
            second.Dispose();
            first.Dispose();
            DeleteDirectory(directory);
        }
    }

    private async Task DeliverOnTwoNodesAsync(MarketplaceApp first, MarketplaceApp second)
    {
        _ = first.Server;
        _ = second.Server;
        var integrator = await first.CreateOrganizationAsync("integrator");
        var (endpoint, _, path) = await RegisterAsync(integrator, _receiver, "review.decided");
        var other = await first.CreateOrganizationAsync("integrator");
        var (_, _, otherPath) = await RegisterAsync(other, _receiver, "review.decided");
        _receiver.Behaviour = (_, _) => (200, TimeSpan.FromMilliseconds(50));
        try
        {
            const int events = 12;
            for (var n = 0; n < events; n++)
            {
                await first.PublishOfferingAsync(n % 2 == 0 ? integrator : other, OfferingBody(title: $"双节点投递方案{n}"));
            }
            await EventuallyAsync(() => _receiver.At(path).Select(r => r.EventId).Distinct().Count() == events / 2
                && _receiver.At(otherPath).Select(r => r.EventId).Distinct().Count() == events / 2, Patience, "every event reached its endpoint");
            await Task.Delay(500);

            foreach (var p in new[] { path, otherPath })
            {
                var requests = _receiver.At(p);
                Assert.That(requests.GroupBy(r => r.EventId).Select(g => g.Count()), Is.All.EqualTo(1), "each event once per endpoint");
            }
            var nodes = new HashSet<string>();
            foreach (var delivery in (await GetJsonAsync(integrator.Client, $"/api/v1/webhooks/{endpoint}/deliveries?pageSize=100"))["items"]!.AsArray())
            {
                var detail = await GetJsonAsync(integrator.Client, $"/api/v1/webhooks/{endpoint}/deliveries/{delivery!["id"]}");
                nodes.UnionWith(detail["attemptLog"]!.AsArray().Select(a => a!["node"]!.GetValue<string>()));
            }
            TestContext.Out.WriteLine($"deliveries made by {nodes.Count} node(s): {string.Join(", ", nodes)}");
            Assert.That(nodes, Is.All.Match("^node-[0-9a-f]{8}$"), "an alias, not the machine name and process id");
        }
        finally
        {
            _receiver.Behaviour = (_, _) => (200, TimeSpan.Zero);
        }
    }
}
