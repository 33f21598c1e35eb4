using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Core.Organizations;

namespace Marketplace.Tests.Api;

[TestFixture(StorageKind.Sqlite)]
[TestFixture(StorageKind.SqlServer, Category = TestCategories.SqlServer)]
public class OrganizationTests(StorageKind storage)
{
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = MarketplaceApp.WithStorage(storage);

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

    [TestCase("integrator")]
    [TestCase("enterprise")]
    [TestCase("capability-center")]
    [TestCase("operator")]
    public async Task Operator_registers_each_kind_and_the_key_works(string kind)
    {
        var org = await _app.CreateOrganizationAsync(kind);

        var me = await org.Client.GetFromJsonAsync<JsonObject>("/api/v1/organizations/me");

        Assert.That(me!["id"]!.GetValue<string>(), Is.EqualTo(org.Id.ToString()));
        Assert.That(me["kind"]!.GetValue<string>(), Is.EqualTo(kind));
    }

    [Test]
    public async Task Response_shows_the_key_once_and_stores_only_a_hash()
    {
        var org = await _app.CreateOrganizationAsync("integrator");

        var keys = await _app.Operator().GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");

        Assert.That(keys!, Has.Count.EqualTo(1));
        Assert.That(keys!.ToJsonString(), Does.Not.Contain(org.ApiKey));
        Assert.That(org.ApiKey, Does.StartWith(keys![0]!["prefix"]!.GetValue<string>()));
    }

    [Test]
    public async Task Anonymous_gets_401_and_non_operators_get_403_when_registering()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var body = new { kind = "integrator", name = "某公司", creditCode = MarketplaceApp.NewCreditCode(), district = "渝北区" };

        await ProblemAssert.IsProblemAsync(await _app.Client().PostAsJsonAsync("/api/v1/organizations", body), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblemAsync(await integrator.Client.PostAsJsonAsync("/api/v1/organizations", body), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _app.Client("mkp_unknown").PostAsJsonAsync("/api/v1/organizations", body), HttpStatusCode.Unauthorized);
    }

    [TestCase("91500106MA61GL9R3X", TestName = "wrong check character")]
    [TestCase("91500106MA61GL9R3", TestName = "17 characters")]
    [TestCase("91500106 MA61GL9R3E", TestName = "a space inside")]
    [TestCase("91500106MA61GL9I3E", TestName = "letter I is not allowed")]
    [TestCase("", TestName = "empty")]
    public async Task Invalid_credit_codes_are_400(string code)
    {
        var response = await _app.Operator().PostAsJsonAsync("/api/v1/organizations",
            new { kind = "integrator", name = "某公司", creditCode = code, district = "渝北区" });

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "creditCode");
    }

    [Test]
    public void Credit_code_check_character_follows_GB_32100()
    {
        Assert.That(CreditCode.IsValid("91500106MA61GL9R3E"), Is.True);
        Assert.That(CreditCode.IsValid("91350100M000100Y43"), Is.True);
        Assert.That(CreditCode.IsValid("91350100M000100Y44"), Is.False);
    }

    [Test]
    public async Task Second_organization_with_the_same_credit_code_is_409()
    {
        var code = MarketplaceApp.NewCreditCode();
        var body = new { kind = "integrator", name = "某公司", creditCode = code, district = "渝北区" };
        Assert.That((await _app.Operator().PostAsJsonAsync("/api/v1/organizations", body)).StatusCode, Is.EqualTo(HttpStatusCode.Created));

        var second = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", body with { name = "另一家" });

        await ProblemAssert.IsProblemAsync(second, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task A_credit_code_typed_in_lower_case_or_full_width_is_stored_as_the_code_and_counts_as_the_same_code()
    {
        var code = MarketplaceApp.NewCreditCode();
        var fullWidth = new string(code.ToLowerInvariant().Select(c => (char)(c + 0xFEE0)).ToArray());
        var body = new { kind = "integrator", name = "某公司", creditCode = " " + fullWidth + " ", district = "渝北区" };
        var created = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", body);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That((await MarketplaceApp.ReadJsonAsync(created))["organization"]?["creditCode"]?.GetValue<string>()
            ?? (await MarketplaceApp.ReadJsonAsync(created))["creditCode"]?.GetValue<string>(), Is.EqualTo(code));

        var again = await _app.Operator().PostAsJsonAsync("/api/v1/organizations", body with { name = "另一家", creditCode = code.ToLowerInvariant() });
        await ProblemAssert.IsProblemAsync(again, HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Enterprise_needs_industry_and_a_known_scale()
    {
        var response = await _app.Operator().PostAsJsonAsync("/api/v1/organizations",
            new { kind = "enterprise", name = "某厂", creditCode = MarketplaceApp.NewCreditCode(), district = "璧山区", scale = "大型" });

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "industry");
        Assert.That(problem["errors"]!.AsObject().ContainsKey("scale"), Is.True);
    }

    [TestCase("kind", "supplier")]
    [TestCase("district", "成都市")]
    public async Task Unknown_codes_are_400(string field, string value)
    {
        var body = new Dictionary<string, object?> { ["kind"] = "integrator", ["name"] = "某公司", ["creditCode"] = MarketplaceApp.NewCreditCode(), ["district"] = "渝北区" };
        body[field] = value;

        await ProblemAssert.IsProblemAsync(await _app.Operator().PostAsJsonAsync("/api/v1/organizations", body), HttpStatusCode.BadRequest, field);
    }

    [Test]
    public async Task Rotating_issues_a_new_key_and_revokes_the_old_one()
    {
        var org = await _app.CreateOrganizationAsync("integrator");

        var rotated = await org.Client.PostAsync($"/api/v1/organizations/{org.Id}/api-keys/rotate", null);
        Assert.That(rotated.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var newKey = (await MarketplaceApp.ReadJsonAsync(rotated))["apiKey"]!.GetValue<string>();

        await ProblemAssert.IsProblemAsync(await org.Client.GetAsync("/api/v1/organizations/me"), HttpStatusCode.Unauthorized);
        Assert.That((await _app.Client(newKey).GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Rotations_sent_at_once_with_one_key_issue_one_key_and_every_key_answered_works()
    {
        var org = await _app.CreateOrganizationAsync("enterprise");

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => org.Client.PostAsync($"/api/v1/organizations/{org.Id}/api-keys/rotate", null)));

        var issued = answers.Where(a => a.StatusCode == HttpStatusCode.OK).ToArray();
        Assert.That(issued, Has.Length.EqualTo(1), string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        Assert.That(answers.Except(issued).Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.Unauthorized).Or.EqualTo(HttpStatusCode.Conflict));
        var key = (await MarketplaceApp.ReadJsonAsync(issued[0]))["apiKey"]!.GetValue<string>();
        Assert.That((await _app.Client(key).GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var keys = await _app.Client(key).GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");
        Assert.That(keys!.Count(k => k!["revokedAt"] is null), Is.EqualTo(1));
    }

    [Test]
    public async Task One_more_key_leaves_the_others_working_up_to_five()
    {
        var org = await _app.CreateOrganizationAsync("integrator");
        var url = $"/api/v1/organizations/{org.Id}/api-keys";

        var added = await org.Client.PostAsync(url, null);

        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created), await added.Content.ReadAsStringAsync());
        var addedKey = await MarketplaceApp.ReadJsonAsync(added);
        Assert.That(added.Headers.Location?.ToString(), Is.EqualTo($"{url}/{addedKey["id"]}"), "the new key's address, the one DELETE revokes");
        var second = _app.Client(addedKey["apiKey"]!.GetValue<string>());
        Assert.That((await org.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the old key still works");
        Assert.That((await second.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        for (var i = 0; i < 3; i++)
        {
            Assert.That((await second.PostAsync(url, null)).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }
        await ProblemAssert.IsProblemAsync(await second.PostAsync(url, null), HttpStatusCode.Conflict);
        var stranger = await _app.CreateOrganizationAsync("integrator");
        await ProblemAssert.IsProblemAsync(await stranger.Client.PostAsync(url, null), HttpStatusCode.NotFound);

        // Switch, then revoke the old key.
        var keys = await second.GetFromJsonAsync<JsonArray>(url);
        var oldest = keys!.OrderBy(k => k!["createdAt"]!.GetValue<DateTimeOffset>()).First()!;
        Assert.That((await second.DeleteAsync($"{url}/{oldest["id"]}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await org.Client.GetAsync("/api/v1/organizations/me"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task A_revoked_key_stops_working()
    {
        var org = await _app.CreateOrganizationAsync("enterprise");
        var keys = await org.Client.GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");

        var revoked = await _app.Operator().DeleteAsync($"/api/v1/organizations/{org.Id}/api-keys/{keys![0]!["id"]}");

        Assert.That(revoked.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAssert.IsProblemAsync(await org.Client.GetAsync("/api/v1/organizations/me"), HttpStatusCode.Unauthorized);
    }

    [Test]
    public async Task An_organization_cannot_revoke_its_own_last_active_key()
    {
        var org = await _app.CreateOrganizationAsync("enterprise");
        var keys = await org.Client.GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");

        await ProblemAssert.IsProblemAsync(await org.Client.DeleteAsync($"/api/v1/organizations/{org.Id}/api-keys/{keys![0]!["id"]}"), HttpStatusCode.Conflict);
        Assert.That((await org.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the key still works");

        // The operator's own last key neither: revoking it would lock every operator out of the pool.
        var operatorId = (await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/organizations/me"))!["id"]!.GetValue<string>();
        var operatorKeys = await _app.Operator().GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{operatorId}/api-keys");
        var active = operatorKeys!.Where(k => k!["revokedAt"] is null).ToArray();
        Assert.That(active, Has.Length.EqualTo(1));
        await ProblemAssert.IsProblemAsync(await _app.Operator().DeleteAsync($"/api/v1/organizations/{operatorId}/api-keys/{active[0]!["id"]}"), HttpStatusCode.Conflict);
        Assert.That((await _app.Operator().GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task A_chosen_key_is_listed_by_a_fingerprint_not_its_first_characters()
    {
        var operatorId = (await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/organizations/me"))!["id"]!.GetValue<string>();
        var operatorKeys = await _app.Operator().GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{operatorId}/api-keys");
        var prefix = operatorKeys![0]!["prefix"]!.GetValue<string>();
        Assert.That(prefix, Does.Match("^#[0-9a-f]{8}$"));
        Assert.That(prefix, Does.Not.Contain(MarketplaceApp.OperatorKey[..4]), "none of the key's characters");

        var org = await _app.CreateOrganizationAsync("enterprise");
        var keys = await org.Client.GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");
        Assert.That(keys![0]!["prefix"]!.GetValue<string>(), Does.Match("^mkp_.{8}$"), "generated keys keep their random prefix");
    }

    [Test]
    public async Task Organizations_cannot_read_each_other()
    {
        var a = await _app.CreateOrganizationAsync("integrator");
        var b = await _app.CreateOrganizationAsync("integrator");

        await ProblemAssert.IsProblemAsync(await a.Client.GetAsync($"/api/v1/organizations/{b.Id}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await a.Client.PostAsync($"/api/v1/organizations/{b.Id}/api-keys/rotate", null), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await a.Client.GetAsync("/api/v1/organizations"), HttpStatusCode.Forbidden);
        Assert.That((await _app.Operator().GetAsync($"/api/v1/organizations/{b.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public async Task Listing_is_paged_with_a_bounded_page_size()
    {
        await _app.CreateOrganizationAsync("integrator");

        var page = await _app.Operator().GetFromJsonAsync<JsonObject>("/api/v1/organizations?kind=integrator&pageSize=1");

        Assert.That(page!["items"]!.AsArray(), Has.Count.EqualTo(1));
        Assert.That(page["total"]!.GetValue<long>(), Is.GreaterThanOrEqualTo(1));
        await ProblemAssert.IsProblemAsync(await _app.Operator().GetAsync("/api/v1/organizations?pageSize=1000"), HttpStatusCode.BadRequest, "pageSize");
    }

    [Test]
    public async Task Changes_to_keys_and_name_disclosure_refuse_an_if_match_since_they_hand_out_no_etag()
    {
        var org = await _app.CreateOrganizationAsync("enterprise");
        var keys = await org.Client.GetFromJsonAsync<JsonArray>($"/api/v1/organizations/{org.Id}/api-keys");
        var url = $"/api/v1/organizations/{org.Id}/api-keys/{keys![0]!["id"]}";

        await ProblemAssert.IsProblemAsync(await _app.Operator().SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Delete, url, "\"42\"")), HttpStatusCode.PreconditionFailed);
        await ProblemAssert.IsProblemAsync(await org.Client.SendAsync(MarketplaceApp.WithIfMatch(HttpMethod.Put, "/api/v1/organizations/me/name-disclosure", "\"42\"",
            new { discloseName = true })), HttpStatusCode.PreconditionFailed);

        var me = await org.Client.GetFromJsonAsync<JsonObject>("/api/v1/organizations/me");
        Assert.That(me!["discloseName"]!.GetValue<bool>(), Is.False, "the key still works and nothing changed");
    }
}
