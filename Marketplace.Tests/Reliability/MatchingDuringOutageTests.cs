using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Demands;
using Marketplace.Tests.Government;
using Marketplace.Tests.Api;
using Marketplace.Tests.Indexing;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// With the search engine down, the catalog search answers 503 with Retry-After (never a 500), and a demand list is stored
/// all the same, marked pending, and matched as soon as the engine answers again (its run then in the matches and the feed).
/// </summary>
public class MatchingDuringOutageTests
{
    [Test]
    public async Task Lucene_engine_failing()
    {
        var host = new SearchTestHost(settings: new Dictionary<string, string?>(SearchTestHost.FastRecovery), injectFaults: true);
        try
        {
            await AnswersUnavailableThenRecoversAsync(host, down => host.Faults.Down = down, findsOfferings: true);
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task Elasticsearch_answering_503()
    {
        await using var engine = await StandInElasticsearch.StartAsync();
        var host = new SearchTestHost(settings: new Dictionary<string, string?>(SearchTestHost.FastRecovery)
        {
            ["Marketplace:Search:Provider"] = "elasticsearch",
            ["Marketplace:Search:Elasticsearch:Url"] = engine.Url.ToString(),
            ["Marketplace:Search:Elasticsearch:IndexAlias"] = "mk-matching-outage",
            ["Marketplace:Search:ReconcileInterval"] = "00:00:00",
        });
        try
        {
            // The stand-in stores documents but answers every search with no hits.
            await AnswersUnavailableThenRecoversAsync(host, down => engine.Mode = down ? StandInElasticsearch.Behaviour.Failing : StandInElasticsearch.Behaviour.Up, findsOfferings: false);
        }
        finally
        {
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task An_item_edited_while_matching_waits_opens_no_engagement_from_its_matches_before_the_edit()
    {
        var host = new SearchTestHost(settings: new Dictionary<string, string?>(SearchTestHost.FastRecovery), injectFaults: true);
        try
        {
            var enterprise = host.Client(await host.CreateOrganizationAsync("enterprise"));
            var integrator = await host.CreateIntegratorAsync();
            var welding = await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "车架焊接机器人工作站", keywords: ["焊接机器人", "焊缝"]));
            await SearchTestHost.EventuallyAsync(async () => (await host.Client().GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode == HttpStatusCode.OK,
                TimeSpan.FromSeconds(30), "search answers once the index is ready");
            var list = await CreatedAsync(enterprise, "车架焊缝宽窄不一，想上焊接机器人");
            var itemId = list["items"]![0]!["id"]!.GetValue<string>();

            host.Faults.Down = true;
            var edit = await enterprise.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/demand-lists/{list["id"]}", "\"1\"",
                new { items = new[] { new { id = itemId, text = "污水处理站出水COD老是超标，想上一套在线监测" } } }));
            Assert.That((await MarketplaceApp.ReadJsonAsync(edit))["matchPending"]!.GetValue<bool>(), Is.True);

            var opened = await enterprise.PostAsJsonAsync("/api/v1/engagements", new
            {
                itemId, offeringId = welding, message = "想了解报价", contact = new { name = "王经理", phone = "023-6512 3456" },
            });
            await ProblemAssert.IsProblemAsync(opened, HttpStatusCode.Conflict);
        }
        finally
        {
            host.Faults.Down = false;
            host.DisposeAndDelete();
        }
    }

    [Test]
    public async Task A_diagnosis_report_submitted_meanwhile_is_kept_and_its_list_matched_later()
    {
        var faults = new FaultSwitch();
        using var host = new GovernmentHost(new Dictionary<string, string?>(SearchTestHost.FastRecovery), s => SearchTestHost.InjectFaults(s, faults));
        await host.StartAsync();
        await host.App.PublishOfferingAsync(host.Integrator);
        await host.App.WaitForIndexingAsync();
        var (project, _) = await host.CreateProjectAsync();
        var assigned = await host.District.Client.PostAsJsonAsync("/api/v1/diagnoses", new { planProjectId = project["id"]!.GetValue<string>(), assessorId = host.Assessor.Id });
        var id = (await MarketplaceApp.ReadJsonAsync(assigned))["id"]!.GetValue<string>();
        var draft = await host.Assessor.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/diagnoses/{id}/draft", assigned.Headers.ETag!.ToString(), DiagnosisTests.Report()));
        Assert.That(draft.StatusCode, Is.EqualTo(HttpStatusCode.OK), await draft.Content.ReadAsStringAsync());

        faults.Down = true;
        var submitted = await host.Assessor.Client.PostAsync($"/api/v1/diagnoses/{id}/submit", null);
        Assert.That(submitted.StatusCode, Is.EqualTo(HttpStatusCode.Created), await submitted.Content.ReadAsStringAsync());
        var listId = (await MarketplaceApp.ReadJsonAsync(submitted))["demandListId"]!.GetValue<string>();
        var waiting = await host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/result");
        Assert.That(waiting!["demandList"]!["matchPending"]!.GetValue<bool>(), Is.True);
        Assert.That(waiting["matches"]!["items"]![0]!["matches"]!.AsArray(), Is.Empty);
        var stored = await host.District.Client.GetFromJsonAsync<JsonObject>($"/api/v1/plan-projects/{project["id"]}");
        Assert.That(stored!["status"]!.GetValue<string>(), Is.EqualTo("diagnosed"), "the submission is stored whole");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few passes of the worker: nothing is written while the engine is down
        Assert.That(await ReasonsAsync(host.Center.Client, listId), Is.Empty);

        faults.Down = false;
        await SearchTestHost.EventuallyAsync(async () => (await ReasonsAsync(host.Center.Client, listId)).Count > 0, TimeSpan.FromSeconds(30), "the list is matched once search answers");
        await Task.Delay(TimeSpan.FromSeconds(1)); // another pass of the worker writes nothing more
        Assert.That(await ReasonsAsync(host.Center.Client, listId), Is.EqualTo(new[] { "diagnosis-submitted", "diagnosis-submitted" }), "one run: an event for each of its two items");
        var result = await host.Enterprise.Client.GetFromJsonAsync<JsonObject>($"/api/v1/diagnoses/{id}/result");
        Assert.That(result!["demandList"]!["matchPending"]!.GetValue<bool>(), Is.False);
        Assert.That(result["matches"]!["items"]![0]!["matches"]![0]!["title"]!.GetValue<string>(), Is.EqualTo("弧焊机器人工作站"));
    }

    private static async Task AnswersUnavailableThenRecoversAsync(SearchTestHost host, Action<bool> setDown, bool findsOfferings)
    {
        var enterprise = host.Client(await host.CreateOrganizationAsync("enterprise"));
        var center = host.Client(await host.CreateOrganizationAsync("capability-center"));
        var integrator = await host.CreateIntegratorAsync();
        await host.PublishAsync(integrator, MarketplaceApp.OfferingBody(title: "车架焊接机器人工作站", keywords: ["焊接机器人", "焊缝"]));
        await SearchTestHost.EventuallyAsync(async () => (await host.Client().GetAsync("/api/v1/offerings/search?q=焊接")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30), "search answers once the index is ready");
        var edited = await CreatedAsync(enterprise, "车架焊缝宽窄不一，想上焊接机器人");
        Assert.That(edited["matchPending"]!.GetValue<bool>(), Is.False, "matched at once while the engine answers");

        setDown(true);
        var search = await host.Client().GetAsync("/api/v1/offerings/search?q=焊接");
        var problem = await ProblemAssert.IsProblemAsync(search, HttpStatusCode.ServiceUnavailable);
        Assert.That(search.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(problem.ToJsonString(), Does.Not.Contain("Exception").And.Not.Contain("injected"), "no internals");

        var pending = await CreatedAsync(enterprise, "焊缝老是开裂，客户退货，想找焊接机器人");
        var pendingId = pending["id"]!.GetValue<string>();
        Assert.That(pending["matchPending"]!.GetValue<bool>(), Is.True);
        var waiting = await MarketplaceApp.ReadJsonAsync(await enterprise.GetAsync($"/api/v1/demand-lists/{pendingId}/matches"));
        Assert.That(waiting["matchPending"]!.GetValue<bool>(), Is.True);
        Assert.That(waiting["items"]![0]!["matches"]!.AsArray(), Is.Empty);
        Assert.That(waiting["items"]![0]!["note"]!.GetValue<string>(), Does.Contain("matching pending"));

        var editedId = edited["id"]!.GetValue<string>();
        var edit = MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/demand-lists/{editedId}", "\"1\"",
            new { items = new[] { new { text = "车架焊缝宽窄不一，还想加一台焊烟净化" } } });
        var editResponse = await enterprise.SendAsync(edit);
        Assert.That(editResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK), await editResponse.Content.ReadAsStringAsync());
        Assert.That((await MarketplaceApp.ReadJsonAsync(editResponse))["matchPending"]!.GetValue<bool>(), Is.True, "an edit is stored too");
        await Task.Delay(TimeSpan.FromSeconds(3)); // a few passes of the worker: nothing is written while the engine is down
        Assert.That(await ReasonsAsync(center, pendingId), Is.Empty);
        Assert.That(await ReasonsAsync(center, editedId), Is.EqualTo(new[] { "list-created" }));

        var racing = (await CreatedAsync(enterprise, "想给焊接车间上一套焊缝检测"))["id"]!.GetValue<string>();

        setDown(false);
        // The owner edits a list never matched yet while the worker may be taking it: its first run is still list-created.
        var racingEdit = await enterprise.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, $"/api/v1/demand-lists/{racing}", "\"1\"",
            new { items = new[] { new { text = "想给焊接车间上一套焊缝视觉检测" } } }));
        Assert.That(racingEdit.StatusCode, Is.AnyOf(HttpStatusCode.OK, HttpStatusCode.PreconditionFailed), "412 when the worker matched it first (a new version)");
        // Nodes racing for the same pending lists (three passes beside this node's worker): each run is written once.
        var store = host.Service<DemandStore>();
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => store.MatchPendingAsync(20, CancellationToken.None)));
        await SearchTestHost.EventuallyAsync(async () => (await ReasonsAsync(center, pendingId)).Count == 1 && (await ReasonsAsync(center, editedId)).Count == 2,
            TimeSpan.FromSeconds(30), "both lists matched once the engine answers again");
        Assert.That(await ReasonsAsync(center, pendingId), Is.EqualTo(new[] { "list-created" }), "the run it was stored for, once");
        Assert.That(await ReasonsAsync(center, editedId), Is.EqualTo(new[] { "list-created", "list-updated" }));
        await SearchTestHost.EventuallyAsync(async () => (await ReasonsAsync(center, racing)).Count >= 1, TimeSpan.FromSeconds(30), "the raced list is matched");
        Assert.That((await ReasonsAsync(center, racing))[0], Is.EqualTo("list-created"), "whichever wrote it, the first run of a list is list-created");
        var matched = await MarketplaceApp.ReadJsonAsync(await enterprise.GetAsync($"/api/v1/demand-lists/{pendingId}/matches"));
        Assert.That(matched["matchPending"]!.GetValue<bool>(), Is.False);
        if (findsOfferings)
        {
            Assert.That(matched["items"]![0]!["matches"]!.AsArray().Select(m => m!["title"]!.GetValue<string>()), Does.Contain("车架焊接机器人工作站"));
        }
        var read = await enterprise.GetAsync($"/api/v1/demand-lists/{pendingId}");
        var list = await MarketplaceApp.ReadJsonAsync(read);
        Assert.That(list["matchPending"]!.GetValue<bool>(), Is.False);
        Assert.That(read.Headers.ETag!.ToString(), Is.EqualTo("\"2\""), "matched is a new version of the list");
        Assert.That(list["items"]![0]!["text"]!.GetValue<string>(), Is.EqualTo("焊缝老是开裂，客户退货，想找焊接机器人"));
    }

    private static async Task<JsonObject> CreatedAsync(HttpClient enterprise, string text)
    {
        var created = await enterprise.PostAsJsonAsync("/api/v1/demand-lists", new { items = new[] { new { text } } });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        return await MarketplaceApp.ReadJsonAsync(created);
    }

    /// <summary>The feed's events of one list, in order, as their reasons.</summary>
    private static async Task<List<string>> ReasonsAsync(HttpClient center, string listId)
    {
        var feed = await MarketplaceApp.ReadJsonAsync(await center.GetAsync("/api/v1/matches/feed?limit=500"));
        return feed["items"]!.AsArray().Where(e => e!["listId"]!.GetValue<string>() == listId).Select(e => e!["reason"]!.GetValue<string>()).ToList();
    }
}
