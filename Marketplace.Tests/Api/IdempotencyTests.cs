using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapper;
using Marketplace.Api.Http;
using Marketplace.Core.Idempotency;
using Marketplace.Core.Leasing;
using Marketplace.Core.Storage;
using Marketplace.Tests.Leasing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Api;

/// <summary>Idempotency-Key on POST through the HTTP API (draft-ietf-httpapi-idempotency-key-header), time moved by a <see cref="MovableClock"/>.</summary>
[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class IdempotencyTests(StorageKind storage)
{
    private const string HeaderName = IdempotencyMiddleware.HeaderName;

    private readonly MovableClock _clock = new();
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new MarketplaceApp(settings: StorageSettings(storage), services: services => services.AddSingleton<TimeProvider>(_clock));
        _ = _app.Server;
    }

    [OneTimeTearDown]
    public void Stop()
    {
        if (_app is null)
        {
            return; // ignored: no live SQL Server configured
        }
        _app.Dispose();
        DeleteDirectory(_app.DataDirectory);
    }

    private static HttpRequestMessage Post(string url, object? body, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = body is null ? null : JsonContent.Create(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(HeaderName, key);
        }
        return request;
    }

    internal static HttpRequestMessage JsonPost(string url, string json, string key)
    {
        var request = Post(url, null, key);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return request;
    }

    /// <summary>What the middleware records for <see cref="JsonPost"/> of <paramref name="json"/> to <paramref name="path"/>.</summary>
    internal static async Task<string> FingerprintAsync(string path, string json)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = path;
        context.Request.ContentType = "application/json; charset=utf-8";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(json));
        return await IdempotencyMiddleware.FingerprintAsync(context.Request, CancellationToken.None);
    }

    private static object DemandList(string text = "车架焊接全靠人工，想用焊接机器人") => new { title = "需求清单", items = new[] { new { text } } };

    private static string NewKey() => Guid.NewGuid().ToString();

    private static async Task<int> TotalAsync(HttpClient client, string url) =>
        (await ReadJsonAsync(await client.GetAsync(url)))["total"]!.GetValue<int>();

    private async Task<int> RecordsAsync(Guid organizationId)
    {
        var db = _app.Services.GetRequiredService<Database>();
        await using var connection = await db.OpenAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<int>(db.Command("SELECT COUNT(*) FROM idempotency_keys WHERE organization_id = @organizationId", new { organizationId }));
    }

    [Test]
    public async Task A_retry_with_the_key_is_answered_with_the_first_answer_and_creates_nothing_new()
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var key = NewKey();

        var first = await enterprise.Client.SendAsync(Post("/api/v1/demand-lists", DemandList(), key));
        var firstBody = await first.Content.ReadAsStringAsync();
        var second = await enterprise.Client.SendAsync(Post("/api/v1/demand-lists", DemandList(), key));
        var secondBody = await second.Content.ReadAsStringAsync();

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), firstBody);
        Assert.That(first.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False, "the first answer is no replay");
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.Created), secondBody);
        Assert.That(second.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader), Is.EqualTo(new[] { "true" }));
        Assert.That(secondBody, Is.EqualTo(firstBody), "the same body, byte for byte");
        Assert.That(second.Headers.Location, Is.EqualTo(first.Headers.Location));
        Assert.That(second.Headers.ETag, Is.EqualTo(first.Headers.ETag));
        Assert.That(second.Content.Headers.ContentType?.ToString(), Is.EqualTo(first.Content.Headers.ContentType?.ToString()));
        Assert.That(await TotalAsync(enterprise.Client, "/api/v1/demand-lists"), Is.EqualTo(1), "one list");
    }

    [Test]
    public async Task Without_the_key_every_request_runs()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");

        for (var i = 0; i < 2; i++)
        {
            var created = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key: null));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        }

        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.EqualTo(2));
        Assert.That(await RecordsAsync(integrator.Id), Is.Zero, "nothing is kept without a key");
    }

    [Test]
    public async Task The_key_sent_with_another_request_is_422()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var key = NewKey();
        var created = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(title: "第一个方案"), key));
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var id = (await ReadJsonAsync(created))["id"]!.GetValue<string>();

        var otherBody = await ProblemAssert.IsProblemAsync(
            await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(title: "另一个方案"), key)), HttpStatusCode.UnprocessableEntity);
        var otherPath = await ProblemAssert.IsProblemAsync(
            await integrator.Client.SendAsync(Post($"/api/v1/offerings/{id}/submit", null, key)), HttpStatusCode.UnprocessableEntity);
        var otherQuery = await ProblemAssert.IsProblemAsync(
            await integrator.Client.SendAsync(Post("/api/v1/offerings?x=1", OfferingBody(title: "第一个方案"), key)), HttpStatusCode.UnprocessableEntity);

        // A retry that corrects its If-Match is another request: 422, not the stale 412 replayed.
        var submitKey = NewKey();
        var stale = Post($"/api/v1/offerings/{id}/submit", null, submitKey);
        stale.Headers.TryAddWithoutValidation("If-Match", "\"999\"");
        await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(stale), HttpStatusCode.PreconditionFailed);
        var corrected = Post($"/api/v1/offerings/{id}/submit", null, submitKey);
        corrected.Headers.TryAddWithoutValidation("If-Match", created.Headers.ETag!.ToString());
        await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(corrected), HttpStatusCode.UnprocessableEntity);

        Assert.That(otherBody["detail"]!.GetValue<string>(), Does.Contain("Idempotency-Key 已用于另一个请求"));
        Assert.That(otherPath["detail"]!.GetValue<string>(), Does.Contain("different request"));
        Assert.That(otherQuery["title"]!.GetValue<string>(), Is.Not.Empty);
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.EqualTo(1));
        var draft = await ReadJsonAsync(await integrator.Client.GetAsync($"/api/v1/offerings/{id}"));
        Assert.That(draft["status"]!.GetValue<string>(), Is.EqualTo("draft"), "the submit with the reused key did not run");
    }

    [Test]
    public async Task Parallel_requests_with_one_key_create_one_and_the_others_replay_it_or_are_told_to_retry()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var key = NewKey();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key))));

        var statuses = string.Join(", ", answers.Select(a => (int)a.StatusCode));
        Assert.That(answers.Select(a => a.StatusCode), Has.All.AnyOf(HttpStatusCode.Created, HttpStatusCode.Conflict), statuses);
        var created = answers.Where(a => a.StatusCode == HttpStatusCode.Created).ToArray();
        Assert.That(created.Count(a => !a.Headers.Contains(IdempotencyMiddleware.ReplayedHeader)), Is.EqualTo(1), $"one ran: {statuses}");
        Assert.That(created.Select(a => a.Headers.Location).Distinct().Count(), Is.EqualTo(1), "the replays name the same offering");
        foreach (var conflict in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
        {
            await ProblemAssert.IsProblemAsync(conflict, HttpStatusCode.Conflict);
            Assert.That(conflict.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        }
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.EqualTo(1));

        var retried = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That(retried.Headers.Location, Is.EqualTo(created[0].Headers.Location), "a retry after the first finished gets its answer");
    }

    [Test]
    public async Task A_key_is_its_organizations_own()
    {
        var first = await _app.CreateOrganizationAsync("enterprise");
        var second = await _app.CreateOrganizationAsync("enterprise");
        const string key = "order-0001";

        var a = await first.Client.SendAsync(Post("/api/v1/demand-lists", DemandList(), key));
        var b = await second.Client.SendAsync(Post("/api/v1/demand-lists", DemandList(), key));

        Assert.That(a.StatusCode, Is.EqualTo(HttpStatusCode.Created), await a.Content.ReadAsStringAsync());
        Assert.That(b.StatusCode, Is.EqualTo(HttpStatusCode.Created), await b.Content.ReadAsStringAsync());
        Assert.That(b.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False);
        Assert.That(b.Headers.Location, Is.Not.EqualTo(a.Headers.Location));
        Assert.That(await TotalAsync(second.Client, "/api/v1/demand-lists"), Is.EqualTo(1));

        var upperCase = await first.Client.SendAsync(Post("/api/v1/demand-lists", DemandList(), key.ToUpperInvariant()));
        Assert.That(upperCase.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False, "keys are compared as sent, case included");
    }

    [Test]
    public async Task An_error_answer_below_500_is_kept_and_replayed()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var key = NewKey();
        var invalid = OfferingBody(title: "");

        var first = await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(Post("/api/v1/offerings", invalid, key)), HttpStatusCode.BadRequest, "title");
        var again = await integrator.Client.SendAsync(Post("/api/v1/offerings", invalid, key));
        var replayed = await ProblemAssert.IsProblemAsync(again, HttpStatusCode.BadRequest, "title");
        var corrected = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));

        Assert.That(again.Headers.GetValues(IdempotencyMiddleware.ReplayedHeader), Is.EqualTo(new[] { "true" }));
        Assert.That(replayed.ToJsonString(), Is.EqualTo(first.ToJsonString()), "the same problem, correlation id included");
        await ProblemAssert.IsProblemAsync(corrected, HttpStatusCode.UnprocessableEntity);
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.Zero, "a corrected request needs a new key");

        var missing = Guid.NewGuid();
        var notFoundKey = NewKey();
        await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(Post($"/api/v1/offerings/{missing}/submit", null, notFoundKey)), HttpStatusCode.NotFound);
        var notFoundAgain = await integrator.Client.SendAsync(Post($"/api/v1/offerings/{missing}/submit", null, notFoundKey));
        await ProblemAssert.IsProblemAsync(notFoundAgain, HttpStatusCode.NotFound);
        Assert.That(notFoundAgain.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.True, "a 404 from the exception handler is kept too");
    }

    [Test]
    public async Task A_request_still_running_with_the_key_is_409_with_retry_after()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var key = NewKey();
        const string body = """{"title":"x"}""";
        var store = _app.Services.GetRequiredService<IdempotencyStore>();
        var fingerprint = await FingerprintAsync("/api/v1/offerings", body);
        Assert.That((await store.BeginAsync(integrator.Id, key, fingerprint, CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Started));

        var running = await integrator.Client.SendAsync(JsonPost("/api/v1/offerings", body, key));

        await ProblemAssert.IsProblemAsync(running, HttpStatusCode.Conflict);
        Assert.That(running.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.Zero);
    }

    [Test]
    public async Task A_request_whose_process_died_leaves_its_key_free_once_the_process_is_seen_gone()
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        const string body = """{"title":"需求清单","items":[{"text":"车架焊接全靠人工，想用焊接机器人"}]}""";
        var fingerprint = await FingerprintAsync("/api/v1/demand-lists", body);
        var options = _app.Services.GetRequiredService<IOptions<IdempotencyOptions>>();
        var db = _app.Services.GetRequiredService<Database>();
        var registry = _app.Services.GetRequiredService<LeaseHolderRegistry>();
        // Two requests in progress: one on a process that has ended (killed mid-request), one on a sibling that still runs.
        var ended = LeaseTests.EndedProcessHolder();
        var alive = LeaseHolder.ForCurrentProcess("sibling");
        var (orphaned, running) = (NewKey(), NewKey());
        foreach (var (holder, key) in new[] { (ended, orphaned), (alive, running) })
        {
            await registry.RegisterAsync(holder, CancellationToken.None);
            var store = new IdempotencyStore(db, options, holder, registry, _clock);
            Assert.That((await store.BeginAsync(enterprise.Id, key, fingerprint, CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Started));
        }
        await ProblemAssert.IsProblemAsync(await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, orphaned)), HttpStatusCode.Conflict);

        await _app.Services.GetRequiredService<LeaseHolderService>().FreeGoneHoldersAsync(CancellationToken.None);

        var retried = await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, orphaned));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), await retried.Content.ReadAsStringAsync());
        Assert.That(retried.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False, "it ran");
        var replayed = await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, orphaned));
        Assert.That(replayed.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.True, "and its answer is kept as any other");
        await ProblemAssert.IsProblemAsync(await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, running)), HttpStatusCode.Conflict);
        Assert.That(await TotalAsync(enterprise.Client, "/api/v1/demand-lists"), Is.EqualTo(1), "one list");
        await registry.UnregisterAsync(alive.Id, CancellationToken.None);
    }

    [Test]
    public async Task A_request_of_a_node_judged_gone_by_its_heartbeat_alone_is_taken_over_only_after_the_abandonment_time()
    {
        // A node on another host that misses its heartbeats may only be slow (a stalled VM, a failover): freeing its keys at
        // once let a retry run while the first request could still finish, and one key made two lists.
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        const string body = """{"title":"需求清单","items":[{"text":"冷库温度经常超标，想要温控监测"}]}""";
        var options = _app.Services.GetRequiredService<IOptions<IdempotencyOptions>>();
        var registry = _app.Services.GetRequiredService<LeaseHolderRegistry>();
        var remote = new LeaseHolder($"remote-{Guid.NewGuid():N}"[..20], "remote", "another-host", 4242, _clock.GetUtcNow().AddHours(-1));
        await registry.RegisterAsync(remote, CancellationToken.None);
        var key = NewKey();
        var store = new IdempotencyStore(_app.Services.GetRequiredService<Database>(), options, remote, registry, _clock);
        Assert.That((await store.BeginAsync(enterprise.Id, key, await FingerprintAsync("/api/v1/demand-lists", body), CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Started));

        _clock.Offset += TimeSpan.FromSeconds(30); // no heartbeat for longer than a lease: judged gone, and removed
        await _app.Services.GetRequiredService<LeaseHolderService>().FreeGoneHoldersAsync(CancellationToken.None);
        Assert.That((await registry.ListAsync(CancellationToken.None)).Select(h => h.HolderId), Does.Not.Contain(remote.Id));
        await ProblemAssert.IsProblemAsync(await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, key)), HttpStatusCode.Conflict);

        _clock.Offset += TimeSpan.FromSeconds(options.Value.AbandonedAfterSeconds);
        var retried = await enterprise.Client.SendAsync(JsonPost("/api/v1/demand-lists", body, key));

        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), await retried.Content.ReadAsStringAsync());
        Assert.That(await TotalAsync(enterprise.Client, "/api/v1/demand-lists"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failed_request_frees_its_key_and_a_completed_one_keeps_its_answer()
    {
        var store = _app.Services.GetRequiredService<IdempotencyStore>();
        var organization = Guid.NewGuid();
        var key = NewKey();

        Assert.That((await store.BeginAsync(organization, key, "f1", CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Started));
        Assert.That((await store.BeginAsync(organization, key, "f1", CancellationToken.None)).State, Is.EqualTo(IdempotencyState.InProgress));
        Assert.That((await store.BeginAsync(organization, key, "f2", CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Mismatch));
        await store.AbandonAsync(organization, key, CancellationToken.None); // its request failed (5xx) or was aborted
        Assert.That((await store.BeginAsync(organization, key, "f2", CancellationToken.None)).State, Is.EqualTo(IdempotencyState.Started), "the key is free again");

        var answer = new IdempotentResponse(201, "application/json; charset=utf-8", "/api/v1/x/1", "\"1\"", [1, 2, 3]);
        await store.CompleteAsync(organization, key, answer, CancellationToken.None);
        await store.AbandonAsync(organization, key, CancellationToken.None);
        var replay = await store.BeginAsync(organization, key, "f2", CancellationToken.None);

        Assert.That(replay.State, Is.EqualTo(IdempotencyState.Completed), "a completed record is never abandoned");
        Assert.That(replay.Response, Is.EqualTo(answer).Using<IdempotentResponse>((x, y) =>
            x.StatusCode == y.StatusCode && x.ContentType == y.ContentType && x.Location == y.Location && x.ETag == y.ETag && x.Body.SequenceEqual(y.Body)));
    }

    [Test]
    public async Task A_request_refused_by_a_busy_database_leaves_the_key_free()
    {
        if (storage != StorageKind.Sqlite)
        {
            Assert.Ignore("SQLite's write lock is what makes the database busy here.");
        }
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?> { ["Marketplace:Storage:CommandTimeoutSeconds"] = "1" });
        var integrator = await app.CreateOrganizationAsync("integrator");
        var key = NewKey();

        await using (await app.HoldSqliteWriteLockAsync())
        {
            await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key)), HttpStatusCode.ServiceUnavailable);
        }
        var retried = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));

        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), await retried.Content.ReadAsStringAsync());
        Assert.That(retried.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False);
        DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task Operations_whose_answer_carries_a_secret_refuse_the_key()
    {
        var enterprise = await _app.CreateOrganizationAsync("enterprise");
        var webhook = new { url = "https://receiver.example.com/marketplace", eventTypes = new[] { "review.decided" } };
        var created = await enterprise.Client.PostAsJsonAsync("/api/v1/webhooks", webhook);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var endpoint = (await ReadJsonAsync(created))["endpoint"]!["id"]!.GetValue<string>();

        var refused = new[]
        {
            await _app.Operator().SendAsync(Post("/api/v1/organizations", OrganizationBody("integrator"), NewKey())),
            await enterprise.Client.SendAsync(Post($"/api/v1/organizations/{enterprise.Id}/api-keys/rotate", null, NewKey())),
            await enterprise.Client.SendAsync(Post("/api/v1/webhooks", webhook, NewKey())),
            await enterprise.Client.SendAsync(Post($"/api/v1/webhooks/{endpoint}/rotate-secret", null, NewKey())),
        };

        foreach (var answer in refused)
        {
            var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, HeaderName);
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("此操作不支持 Idempotency-Key"));
        }
        Assert.That((await enterprise.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the key was not rotated");
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(await enterprise.Client.GetStringAsync("/api/v1/webhooks"))!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(await RecordsAsync(enterprise.Id), Is.Zero, "no secret is kept");
    }

    [TestCase("键", TestName = "A non-ASCII Idempotency-Key is 400")]
    [TestCase("a\tb", TestName = "An Idempotency-Key with a control character is 400")]
    [TestCase("256", TestName = "An Idempotency-Key of 256 characters is 400")]
    public async Task Malformed_keys_are_400_naming_the_header(string key)
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");

        var answer = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key == "256" ? new string('k', 256) : key));

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, HeaderName);
        Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("Idempotency-Key"));
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.Zero);
    }

    [Test]
    public async Task Two_keys_in_one_request_are_400_and_255_printable_characters_are_a_key()
    {
        Assert.That(IdempotencyMiddleware.IsValidKey(""), Is.False, "an empty header (HttpClient does not send one)");
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var twice = Post("/api/v1/offerings", OfferingBody(), "a");
        twice.Headers.TryAddWithoutValidation(HeaderName, "b");

        await ProblemAssert.IsProblemAsync(await integrator.Client.SendAsync(twice), HttpStatusCode.BadRequest, HeaderName);
        var longest = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), "\"" + new string('~', 253) + "\""));
        Assert.That(longest.StatusCode, Is.EqualTo(HttpStatusCode.Created), await longest.Content.ReadAsStringAsync());
    }

    [Test]
    public async Task Anonymous_requests_are_refused_before_the_key_is_read()
    {
        var anonymous = await _app.Client().SendAsync(Post("/api/v1/offerings", OfferingBody(), NewKey()));

        await ProblemAssert.IsProblemAsync(anonymous, HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task An_expired_key_runs_again_and_expired_records_are_deleted()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var key = NewKey();
        var first = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));
        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        var other = await _app.CreateOrganizationAsync("integrator");
        var otherFirst = await other.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), NewKey()));
        Assert.That(otherFirst.StatusCode, Is.EqualTo(HttpStatusCode.Created));

        _clock.Offset += TimeSpan.FromHours(23);
        var withinRetention = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));
        Assert.That(withinRetention.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.True, "kept for 24 hours");

        _clock.Offset += TimeSpan.FromHours(2);
        var after = await integrator.Client.SendAsync(Post("/api/v1/offerings", OfferingBody(), key));

        Assert.That(after.StatusCode, Is.EqualTo(HttpStatusCode.Created), await after.Content.ReadAsStringAsync());
        Assert.That(after.Headers.Contains(IdempotencyMiddleware.ReplayedHeader), Is.False);
        Assert.That(after.Headers.Location, Is.Not.EqualTo(first.Headers.Location));
        Assert.That(await TotalAsync(integrator.Client, "/api/v1/offerings?owner=me"), Is.EqualTo(2));
        Assert.That(await RecordsAsync(other.Id), Is.Zero, "another organization's expired record was deleted by the cleanup");
        Assert.That(await RecordsAsync(integrator.Id), Is.EqualTo(1), "the new request's record");
    }
}
