using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Tests.Api;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class OfferingLifecycleTests(StorageKind storage)
{
    private MarketplaceApp _app = null!;
    private MarketplaceApp.Org _integrator = null!;
    private MarketplaceApp.Org _otherIntegrator = null!;
    private MarketplaceApp.Org _enterprise = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = MarketplaceApp.WithStorage(storage);
        _integrator = await _app.CreateOrganizationAsync("integrator", "重庆测试智造有限公司");
        _otherIntegrator = await _app.CreateOrganizationAsync("integrator");
        _enterprise = await _app.CreateOrganizationAsync("enterprise");
    }

    [OneTimeTearDown]
    public void Stop()
    {
        if (_app is null)
        {
            return; // ignored: no live SQL Server configured
        }
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    private async Task<(Guid Id, string ETag)> CreateDraftAsync(Dictionary<string, object?>? body = null)
    {
        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", body ?? MarketplaceApp.OfferingBody());
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var json = await MarketplaceApp.ReadJsonAsync(response);
        return (Guid.Parse(json["id"]!.GetValue<string>()), response.Headers.ETag!.ToString());
    }

    private Task<HttpResponseMessage> DiscardDraftAsync(Guid id, string? etag) =>
        _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Delete, $"/api/v1/offerings/{id}/draft", etag, null));

    private async Task<JsonObject> GetAsync(HttpClient client, Guid id)
    {
        var response = await client.GetAsync($"/api/v1/offerings/{id}");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return await MarketplaceApp.ReadJsonAsync(response);
    }

    [Test]
    public async Task Create_answers_201_with_location_etag_id_and_draft_status()
    {
        var response = await _integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody());

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var json = await MarketplaceApp.ReadJsonAsync(response);
        Assert.That(response.Headers.Location!.ToString(), Is.EqualTo($"/api/v1/offerings/{json["id"]}"));
        Assert.That(response.Headers.ETag, Is.Not.Null);
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(json["supplier"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆测试智造有限公司"));
    }

    [Test]
    public async Task Full_lifecycle_draft_submitted_published_retired()
    {
        var (id, _) = await CreateDraftAsync();
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.NotFound);

        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await GetAsync(_integrator.Client, id))["status"]!.GetValue<string>(), Is.EqualTo("submitted"));

        Assert.That((await _app.Operator().PostAsync($"/api/v1/offerings/{id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var published = await GetAsync(_app.Client(), id);
        Assert.That(published["status"]!.GetValue<string>(), Is.EqualTo("published"));
        Assert.That(published["publishedAt"], Is.Not.Null);

        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.NotFound);
        Assert.That((await GetAsync(_integrator.Client, id))["status"]!.GetValue<string>(), Is.EqualTo("retired"));
    }

    [Test]
    public async Task The_owner_discards_a_draft_never_published_and_it_is_gone()
    {
        var (id, etag) = await CreateDraftAsync(MarketplaceApp.OfferingBody(title: "建错的草稿"));
        var url = $"/api/v1/offerings/{id}/draft";
        await ProblemAssert.IsProblemAsync(await _integrator.Client.DeleteAsync(url), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await DiscardDraftAsync(id, "\"999\""),
            HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Delete, url, etag, null)),
            HttpStatusCode.NotFound);

        var discarded = await DiscardDraftAsync(id, etag);

        Assert.That(discarded.StatusCode, Is.EqualTo(HttpStatusCode.NoContent), await discarded.Content.ReadAsStringAsync());
        await ProblemAssert.IsProblemAsync(await _integrator.Client.GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.NotFound);
        var own = await _integrator.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me&pageSize=100");
        Assert.That(own!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Does.Not.Contain(id.ToString()));
    }

    [Test]
    public async Task Discarding_a_live_offerings_draft_revision_goes_back_to_its_published_revision_and_a_revision_under_review_is_kept()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "已发布的方案"));
        var edited = await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "改到一半的修订"));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var discarded = await DiscardDraftAsync(id, edited.Headers.ETag!.ToString());

        Assert.That(discarded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await discarded.Content.ReadAsStringAsync());
        var json = await MarketplaceApp.ReadJsonAsync(discarded);
        Assert.Multiple(() =>
        {
            Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("published"));
            Assert.That(json["title"]!.GetValue<string>(), Is.EqualTo("已发布的方案"));
            Assert.That(json["revision"]!.GetValue<int>(), Is.EqualTo(json["publishedRevision"]!.GetValue<int>()));
            Assert.That(discarded.Headers.ETag, Is.Not.Null);
        });
        // Nothing left to discard; and a revision under review is the operators' to decide.
        await ProblemAssert.IsProblemAsync(await DiscardDraftAsync(id, "*"),
            HttpStatusCode.Conflict);
        var again = await _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}", "*", MarketplaceApp.OfferingBody(title: "第二次修订")));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), await again.Content.ReadAsStringAsync());
        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAssert.IsProblemAsync(await DiscardDraftAsync(id, "*"),
            HttpStatusCode.Conflict);
        var history = await _integrator.Client.GetFromJsonAsync<JsonObject>($"/api/v1/offerings/{id}/history");
        Assert.That(history!["events"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()), Does.Contain("discarded"));
    }

    [Test]
    public async Task A_retired_offering_comes_back_through_review_after_an_edit()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "下架后重新上架的方案"));
        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var revised = await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "重新上架的方案（新版）"));

        Assert.That(revised.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revised.Content.ReadAsStringAsync());
        var draft = await MarketplaceApp.ReadJsonAsync(revised);
        Assert.Multiple(() =>
        {
            Assert.That(draft["status"]!.GetValue<string>(), Is.EqualTo("draft"));
            Assert.That(draft["live"]!.GetValue<bool>(), Is.False);
            Assert.That(draft["revision"]!.GetValue<int>(), Is.EqualTo(2));
        });
        // Not visible until approved: neither to others nor in the public list.
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.NotFound);
        var pending = await _app.Client().GetFromJsonAsync<JsonObject>("/api/v1/offerings?pageSize=100");
        Assert.That(pending!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Does.Not.Contain(id.ToString()));

        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _app.Operator().PostAsync($"/api/v1/offerings/{id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var live = await GetAsync(_app.Client(), id);
        Assert.That(live["title"]!.GetValue<string>(), Is.EqualTo("重新上架的方案（新版）"));
        await _app.WaitForIndexingAsync();
        var found = await _app.Client().GetFromJsonAsync<JsonObject>("/api/v1/offerings/search?q=" + Uri.EscapeDataString("重新上架的方案"));
        Assert.That(found!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Does.Contain(id.ToString()));
        var history = await _integrator.Client.GetFromJsonAsync<JsonObject>($"/api/v1/offerings/{id}/history");
        Assert.That(history!["publishedRevisions"]!.AsArray().Select(r => r!["content"]!["title"]!.GetValue<string>()),
            Is.EquivalentTo(new[] { "下架后重新上架的方案", "重新上架的方案（新版）" }));
    }

    [Test]
    public async Task Discarding_a_retired_offerings_draft_retires_it_again_on_its_last_published_revision()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "下架的方案"));
        await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/retire", null);
        var revised = await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "想重新上架但放弃了"));
        Assert.That(revised.StatusCode, Is.EqualTo(HttpStatusCode.OK), await revised.Content.ReadAsStringAsync());

        var discarded = await DiscardDraftAsync(id, revised.Headers.ETag!.ToString());

        Assert.That(discarded.StatusCode, Is.EqualTo(HttpStatusCode.OK), await discarded.Content.ReadAsStringAsync());
        var json = await MarketplaceApp.ReadJsonAsync(discarded);
        Assert.Multiple(() =>
        {
            Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("retired"));
            Assert.That(json["title"]!.GetValue<string>(), Is.EqualTo("下架的方案"));
            Assert.That(json["revision"]!.GetValue<int>(), Is.EqualTo(1));
        });
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/{id}"), HttpStatusCode.NotFound);
        // It can be revised again, numbered after every revision it ever had.
        var again = await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "第二次尝试"));
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK), await again.Content.ReadAsStringAsync());
        Assert.That((await MarketplaceApp.ReadJsonAsync(again))["revision"]!.GetValue<int>(), Is.EqualTo(2));
    }

    [Test]
    public async Task Reject_sends_back_to_draft_with_the_reason()
    {
        var (id, _) = await CreateDraftAsync();
        await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);

        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsJsonAsync($"/api/v1/offerings/{id}/reject", new { reason = "" }), HttpStatusCode.BadRequest, "reason");
        var rejected = await _app.Operator().PostAsJsonAsync($"/api/v1/offerings/{id}/reject", new { reason = "价格区间不清晰" });

        Assert.That(rejected.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var json = await GetAsync(_integrator.Client, id);
        Assert.That(json["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(json["rejectReason"]!.GetValue<string>(), Is.EqualTo("价格区间不清晰"));
    }

    [Test]
    public async Task Operator_can_retire_a_published_offering()
    {
        var id = await _app.PublishOfferingAsync(_integrator);

        Assert.That((await _app.Operator().PostAsync($"/api/v1/offerings/{id}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_live_offering_with_a_revision_under_review_is_retired_only_after_the_review()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "第一版"));
        Assert.That((await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "第二版"))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);

        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/retire", null), HttpStatusCode.Conflict);
        Assert.That((await GetAsync(_integrator.Client, id))["status"]!.GetValue<string>(), Is.EqualTo("submitted"), "still in the review queue");

        Assert.That((await _app.Operator().PostAsJsonAsync($"/api/v1/offerings/{id}/reject", new { reason = "图片不清晰" })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/retire", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Wrong_state_transitions_are_409()
    {
        var (draft, _) = await CreateDraftAsync();
        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsync($"/api/v1/offerings/{draft}/approve", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsJsonAsync($"/api/v1/offerings/{draft}/reject", new { reason = "x" }), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{draft}/retire", null), HttpStatusCode.Conflict);

        await _integrator.Client.PostAsync($"/api/v1/offerings/{draft}/submit", null);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{draft}/submit", null), HttpStatusCode.Conflict);
        var submitted = await _integrator.Client.GetAsync($"/api/v1/offerings/{draft}");
        var edit = MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{draft}", submitted.Headers.ETag!.ToString(), MarketplaceApp.OfferingBody());
        await ProblemAssert.IsProblemAsync(await _integrator.Client.SendAsync(edit), HttpStatusCode.Conflict);

        var published = await _app.PublishOfferingAsync(_integrator);
        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsync($"/api/v1/offerings/{published}/approve", null), HttpStatusCode.Conflict);
        await _integrator.Client.PostAsync($"/api/v1/offerings/{published}/retire", null);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{published}/retire", null), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{published}/submit", null), HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Concurrent_transitions_without_If_Match_have_one_winner_and_the_others_a_409_never_a_412()
    {
        for (var round = 0; round < 3; round++)
        {
            var (draft, _) = await CreateDraftAsync();
            var submits = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _integrator.Client.PostAsync($"/api/v1/offerings/{draft}/submit", null)));
            var approvals = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _app.Operator().PostAsync($"/api/v1/offerings/{draft}/approve", null)));
            foreach (var answers in new[] { submits, approvals })
            {
                Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
                Assert.That(answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => a.StatusCode), Is.All.EqualTo(HttpStatusCode.Conflict));
            }
        }
    }

    [Test]
    public async Task Others_page_the_list_within_the_first_10000_offerings_and_managers_beyond()
    {
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync("/api/v1/offerings?page=101&pageSize=100"), HttpStatusCode.BadRequest, "page");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync("/api/v1/offerings?page=10001&pageSize=1"), HttpStatusCode.BadRequest, "page");
        Assert.That((await _app.Client().GetAsync("/api/v1/offerings?page=100&pageSize=100")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _app.Operator().GetAsync("/api/v1/offerings?page=101&pageSize=100")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await _integrator.Client.GetAsync("/api/v1/offerings?owner=me&page=101&pageSize=100")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Wrong_role_is_403_and_anonymous_is_401()
    {
        var (id, _) = await CreateDraftAsync();
        await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);

        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/approve", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody()), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _app.Client().PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody()), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _app.Client().PostAsync($"/api/v1/offerings/{id}/approve", null), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _app.Client().PostAsync($"/api/v1/offerings/{id}/retire", null), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task Other_owners_cannot_see_drafts_or_act_on_published_offerings()
    {
        var (draft, etag) = await CreateDraftAsync();
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.GetAsync($"/api/v1/offerings/{draft}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.PostAsync($"/api/v1/offerings/{draft}/submit", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync($"/api/v1/offerings/{draft}"), HttpStatusCode.NotFound);

        var published = await _app.PublishOfferingAsync(_integrator);
        var current = await _otherIntegrator.Client.GetAsync($"/api/v1/offerings/{published}");
        var edit = MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{published}", current.Headers.ETag!.ToString(), MarketplaceApp.OfferingBody());
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.SendAsync(edit), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.PostAsync($"/api/v1/offerings/{published}/retire", null), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsync($"/api/v1/offerings/{published}/retire", null), HttpStatusCode.Forbidden);
        Assert.That(etag, Is.Not.Empty);
    }

    [Test]
    public async Task Concurrent_edits_of_a_published_offering_make_one_revision_and_412s()
    {
        var published = await _app.PublishOfferingAsync(_integrator);
        var etag = (await _integrator.Client.GetAsync($"/api/v1/offerings/{published}")).Headers.ETag!.ToString();
        Task<HttpResponseMessage> Edit(int n) => _integrator.Client.SendAsync(
            MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{published}", etag, MarketplaceApp.OfferingBody(title: $"同时修改{n}")));

        HttpResponseMessage[] answers;
        // On SQLite, the write lock held elsewhere lets both edits read the same version before either writes.
        await using (var holder = await HoldWriteLockAsync())
        {
            var edits = Enumerable.Range(0, 4).Select(Edit).ToArray();
            await Task.Delay(500);
            await holder.DisposeAsync();
            answers = await Task.WhenAll(edits);
        }

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.EqualTo(1), string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        Assert.That(answers.Where(a => a.StatusCode != HttpStatusCode.OK).Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.PreconditionFailed));
        var history = await MarketplaceApp.ReadJsonAsync(await _integrator.Client.GetAsync($"/api/v1/offerings/{published}/history"));
        Assert.That(history["events"]!.AsArray().Count(e => e!["action"]!.GetValue<string>() == "revised"), Is.EqualTo(1));
    }

    /// <summary>SQLite: another connection holding the database's write lock until disposed. SQL Server: nothing to hold.</summary>
    private async Task<IAsyncDisposable> HoldWriteLockAsync() =>
        storage == StorageKind.Sqlite ? await _app.HoldSqliteWriteLockAsync() : new Microsoft.Data.Sqlite.SqliteConnection();

    [Test]
    public async Task Unknown_ids_are_404()
    {
        var unknown = Guid.NewGuid();
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings/{unknown}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsync($"/api/v1/offerings/{unknown}/submit", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsync($"/api/v1/offerings/{unknown}/approve", null), HttpStatusCode.NotFound);
        var put = MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{unknown}", "\"1\"", MarketplaceApp.OfferingBody());
        await ProblemAssert.IsProblemAsync(await _integrator.Client.SendAsync(put), HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Put_requires_if_match_and_rejects_stale_etags()
    {
        var (id, etag) = await CreateDraftAsync();

        var withoutIfMatch = await _integrator.Client.PutAsJsonAsync($"/api/v1/offerings/{id}", MarketplaceApp.OfferingBody(title: "改"));
        await ProblemAssert.IsProblemAsync(withoutIfMatch, (HttpStatusCode)428);

        var ok = await _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}", etag, MarketplaceApp.OfferingBody(title: "改过的标题")));
        Assert.That(ok.StatusCode, Is.EqualTo(HttpStatusCode.OK), await ok.Content.ReadAsStringAsync());
        Assert.That(ok.Headers.ETag!.ToString(), Is.Not.EqualTo(etag));

        var stale = await _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}", etag, MarketplaceApp.OfferingBody(title: "再改")));
        await ProblemAssert.IsProblemAsync(stale, HttpStatusCode.PreconditionFailed);
        Assert.That((await GetAsync(_integrator.Client, id))["title"]!.GetValue<string>(), Is.EqualTo("改过的标题"));
    }

    [Test]
    public async Task Editing_a_published_offering_makes_a_revision_while_the_published_one_stays_visible()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "第一版"));

        var edited = await MarketplaceApp.ReviseAsync(_integrator, id, MarketplaceApp.OfferingBody(title: "第二版"));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var publicView = await GetAsync(_app.Client(), id);
        Assert.That(publicView["title"]!.GetValue<string>(), Is.EqualTo("第一版"));
        Assert.That(publicView["status"]!.GetValue<string>(), Is.EqualTo("published"));
        var ownerView = await GetAsync(_integrator.Client, id);
        Assert.That(ownerView["title"]!.GetValue<string>(), Is.EqualTo("第二版"));
        Assert.That(ownerView["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(ownerView["revision"]!.GetValue<int>(), Is.EqualTo(2));
        Assert.That(ownerView["publishedRevision"]!.GetValue<int>(), Is.EqualTo(1));

        await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That((await GetAsync(_app.Client(), id))["title"]!.GetValue<string>(), Is.EqualTo("第一版"));
        await _app.Operator().PostAsync($"/api/v1/offerings/{id}/approve", null);
        Assert.That((await GetAsync(_app.Client(), id))["title"]!.GetValue<string>(), Is.EqualTo("第二版"));

        var history = await _integrator.Client.GetFromJsonAsync<JsonObject>($"/api/v1/offerings/{id}/history");
        var versions = history!["publishedRevisions"]!.AsArray();
        Assert.That(versions.Select(v => v!["content"]!["title"]!.GetValue<string>()), Is.EqualTo(new[] { "第一版", "第二版" }));
        var actions = history["events"]!.AsArray().Select(e => e!["action"]!.GetValue<string>());
        Assert.That(actions, Is.EqualTo(new[] { "created", "submitted", "approved", "revised", "submitted", "approved" }));
        Assert.That(history["events"]!.AsArray().All(e => e!["at"] is not null && e["actorId"] is not null), Is.True);
        Assert.That(history["events"]!.AsArray().Select(e => e!["seq"]!.GetValue<long>()), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6 }),
            "numbered within the offering, not by the log shared with other tenants");
        await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.GetAsync($"/api/v1/offerings/{id}/history"), HttpStatusCode.Forbidden);
    }

    [Test]
    public async Task Listing_owner_me_shows_own_offerings_in_any_status_and_others_see_published_only()
    {
        var (draft, _) = await CreateDraftAsync(MarketplaceApp.OfferingBody(title: "列表草稿"));
        var published = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "列表已发布"));

        var mine = await _integrator.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me&status=draft&pageSize=100");
        Assert.That(mine!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Does.Contain(draft.ToString()));
        Assert.That(mine["items"]!.AsArray().All(i => i!["status"]!.GetValue<string>() == "draft"), Is.True);

        var reviewQueue = await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/offerings?status=submitted&pageSize=100");
        Assert.That(reviewQueue!["items"]!.AsArray().All(i => i!["status"]!.GetValue<string>() == "submitted"), Is.True);

        var publicList = await _app.Client().GetFromJsonAsync<JsonObject>($"/api/v1/offerings?owner={_integrator.Id}&pageSize=100");
        var ids = publicList!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToArray();
        Assert.That(ids, Does.Contain(published.ToString()));
        Assert.That(ids, Does.Not.Contain(draft.ToString()));

        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync("/api/v1/offerings?owner=me"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync("/api/v1/offerings?pageSize=101"), HttpStatusCode.BadRequest, "pageSize");
        await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync("/api/v1/offerings?status=archived"), HttpStatusCode.BadRequest, "status");
        // A code is written as the API writes it: not the enum's name, another case or its number (9 is no status at all).
        foreach (var notACode in new[] { "Draft", "PUBLISHED", "1", "9" })
        {
            await ProblemAssert.IsProblemAsync(await _integrator.Client.GetAsync($"/api/v1/offerings?owner=me&status={notACode}"), HttpStatusCode.BadRequest, "status");
        }
    }

    [Test]
    public async Task Others_list_live_offerings_newest_published_first_whatever_their_owners_edit()
    {
        var supplier = await _app.CreateOrganizationAsync("integrator");
        var first = await _app.PublishOfferingAsync(supplier, MarketplaceApp.OfferingBody(title: "先发布的方案"));
        var second = await _app.PublishOfferingAsync(supplier, MarketplaceApp.OfferingBody(title: "后发布的方案"));
        var edited = await MarketplaceApp.ReviseAsync(supplier, first, MarketplaceApp.OfferingBody(title: "先发布的方案（草稿修改）"));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var listed = await _app.Client().GetFromJsonAsync<JsonObject>($"/api/v1/offerings?owner={supplier.Id}");
        Assert.That(listed!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Is.EqualTo(new[] { second.ToString(), first.ToString() }),
            "an unpublished edit does not move an offering up for others");
        var own = await supplier.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me");
        Assert.That(own!["items"]![0]!["id"]!.GetValue<string>(), Is.EqualTo(first.ToString()), "the owner sees its latest change first");
    }

    [Test]
    public async Task A_published_offering_being_revised_stays_in_the_public_list_and_others_cannot_filter_by_its_revision()
    {
        var id = await _app.PublishOfferingAsync(_integrator, MarketplaceApp.OfferingBody(title: "修订中的方案"));
        var publicBefore = await _otherIntegrator.Client.GetAsync($"/api/v1/offerings/{id}");
        var current = await _integrator.Client.GetAsync($"/api/v1/offerings/{id}");
        var edited = await _integrator.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/offerings/{id}",
            current.Headers.ETag!.ToString(), MarketplaceApp.OfferingBody(title: "修订中的方案（第二版）")));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var publicAfter = await _otherIntegrator.Client.GetAsync($"/api/v1/offerings/{id}");
        Assert.That(publicAfter.Headers.ETag, Is.EqualTo(publicBefore.Headers.ETag), "others' version follows the published one, not the draft");
        Assert.That((await MarketplaceApp.ReadJsonAsync(publicAfter))["updatedAt"]!.ToJsonString(),
            Is.EqualTo((await MarketplaceApp.ReadJsonAsync(publicBefore))["updatedAt"]!.ToJsonString()), "nor when the draft was edited");
        Assert.That(edited.Headers.ETag, Is.Not.EqualTo(current.Headers.ETag), "the owner's version moves with the draft");

        foreach (var query in new[] { $"owner={_integrator.Id}", $"owner={_integrator.Id}&status=published" })
        {
            var listed = await _otherIntegrator.Client.GetFromJsonAsync<JsonObject>($"/api/v1/offerings?{query}&pageSize=100");
            var item = listed!["items"]!.AsArray().SingleOrDefault(i => i!["id"]!.GetValue<string>() == id.ToString());
            Assert.That(item, Is.Not.Null, $"{query}: a live offering under revision is still listed");
            Assert.That(item!["title"]!.GetValue<string>(), Is.EqualTo("修订中的方案"), "in its published version");
            Assert.That(item["status"]!.GetValue<string>(), Is.EqualTo("published"));
        }
        foreach (var status in new[] { "draft", "submitted", "retired" })
        {
            await ProblemAssert.IsProblemAsync(await _app.Client().GetAsync($"/api/v1/offerings?status={status}"), HttpStatusCode.BadRequest, "status");
            await ProblemAssert.IsProblemAsync(await _otherIntegrator.Client.GetAsync($"/api/v1/offerings?owner={_integrator.Id}&status={status}"), HttpStatusCode.BadRequest, "status");
        }
        var own = await _integrator.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me&status=draft&pageSize=100");
        Assert.That(own!["items"]!.AsArray().Select(i => i!["title"]!.GetValue<string>()), Does.Contain("修订中的方案（第二版）"), "the owner filters by the revision's status");

        // Published means live for everyone: the owner and operators list it as published too (it was left out, so their
        // counts of published offerings disagreed with everyone else's), with `live` saying so next to the revision's status.
        var ownPublished = await _integrator.Client.GetFromJsonAsync<JsonObject>("/api/v1/offerings?owner=me&status=published&pageSize=100");
        var mine = ownPublished!["items"]!.AsArray().Single(i => i!["id"]!.GetValue<string>() == id.ToString())!;
        Assert.That(mine["status"]!.GetValue<string>(), Is.EqualTo("draft"));
        Assert.That(mine["live"]!.GetValue<bool>(), Is.True);
        var operatorCount = (await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/offerings?status=published&pageSize=1"))!["total"]!.GetValue<long>();
        var publicCount = (await _app.Client().GetFromJsonAsync<JsonObject>("/api/v1/offerings?status=published&pageSize=1"))!["total"]!.GetValue<long>();
        Assert.That(operatorCount, Is.EqualTo(publicCount));
        var submitted = await _integrator.Client.PostAsync($"/api/v1/offerings/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var queue = await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/offerings?status=submitted&pageSize=100");
        Assert.That(queue!["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()), Does.Contain(id.ToString()), "its revision is in the review queue");
    }
}
