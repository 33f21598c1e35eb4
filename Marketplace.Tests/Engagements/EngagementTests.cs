using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;
using static Marketplace.Tests.Engagements.EngagementSteps;

namespace Marketplace.Tests.Engagements;

/// <summary>Engagements (对接) through the HTTP API: every transition, each role's view and every other role's 404, bad input.</summary>
public class EngagementTests
{
    private DemandsHost _host = null!;
    private Org _integrator = null!;
    private Org _otherIntegrator = null!;
    private Org _enterprise = null!;
    private Org _otherEnterprise = null!;
    private Org _center = null!;
    private Guid _offering;

    [OneTimeSetUp]
    public async Task Start()
    {
        _host = new DemandsHost();
        await _host.StartAsync();
        _integrator = await _host.CreateOrganizationAsync("integrator", name: "重庆巴渝焊接集成有限公司");
        _otherIntegrator = await _host.CreateOrganizationAsync("integrator");
        _enterprise = await _host.CreateOrganizationAsync("enterprise", district: "璧山区", name: "重庆璧丰摩托车配件有限公司");
        _otherEnterprise = await _host.CreateOrganizationAsync("enterprise");
        _center = await _host.CreateOrganizationAsync("capability-center");
        _offering = await _host.PublishOfferingAsync(_integrator, OfferingBody(priceMin: 300_000, priceMax: 600_000, days: 60));
    }

    [OneTimeTearDown]
    public void Stop() => _host.Dispose();

    private static Guid IdOf(JsonObject json) => Guid.Parse(json["id"]!.GetValue<string>());

    private static string[] Allowed(JsonObject json) => json["allowedActions"]!.AsArray().Select(a => a!.GetValue<string>()).ToArray();

    [Test]
    public async Task The_whole_lifecycle_from_request_to_close_is_audited_step_by_step()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering);
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var id = IdOf(opened);
        Assert.Multiple(() =>
        {
            Assert.That(opened["status"]!.GetValue<string>(), Is.EqualTo("requested"));
            Assert.That(opened["offeringTitle"]!.GetValue<string>(), Is.EqualTo("弧焊机器人工作站"));
            Assert.That(opened["integrator"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆巴渝焊接集成有限公司"));
            Assert.That(Allowed(opened), Is.EqualTo(new[] { "withdraw" }), "the enterprise may only withdraw a request");
        });

        var seenByIntegrator = await GetJsonAsync(_integrator.Client, $"/api/v1/engagements/{id}");
        Assert.That(Allowed(seenByIntegrator), Is.EquivalentTo(new[] { "accept", "decline" }));

        var (accepted, etag2) = await StepAsync(_integrator, id, etag, new { action = "accept", note = "可以上门勘察" });
        var (contracted, etag3) = await StepAsync(_enterprise, id, etag2, new { action = "contract", agreedPriceYuan = 450_000, plannedDays = 60 });
        var (delivered, etag4) = await StepAsync(_integrator, id, etag3, new { action = "deliver" });
        var (verified, etag5) = await StepAsync(_enterprise, id, etag4, Verification(actualCostYuan: 470_000, actualDays: 55));
        var (closed, _) = await StepAsync(_integrator, id, etag5, new { action = "close" });

        Assert.Multiple(() =>
        {
            Assert.That(accepted["status"]!.GetValue<string>(), Is.EqualTo("accepted"));
            Assert.That(accepted["acceptedAt"], Is.Not.Null);
            Assert.That(contracted["status"]!.GetValue<string>(), Is.EqualTo("contracted"));
            Assert.That(contracted["agreedPriceYuan"]!.GetValue<long>(), Is.EqualTo(450_000));
            Assert.That(contracted["plannedDays"]!.GetValue<int>(), Is.EqualTo(60));
            Assert.That(delivered["status"]!.GetValue<string>(), Is.EqualTo("delivered"));
            Assert.That(Allowed(delivered), Is.Empty, "the integrator waits for the enterprise's 验收");
            Assert.That(verified["status"]!.GetValue<string>(), Is.EqualTo("verified"));
            Assert.That(verified["actualCostYuan"]!.GetValue<long>(), Is.EqualTo(470_000));
            Assert.That(verified["verifiedAt"], Is.Not.Null);
            Assert.That(closed["status"]!.GetValue<string>(), Is.EqualTo("closed"));
            Assert.That(closed["endedAt"], Is.Not.Null);
            Assert.That(Allowed(closed), Is.Empty);
        });
        var history = closed["history"]!.AsArray();
        Assert.That(history.Select(h => h!["action"]!.GetValue<string>()), Is.EqualTo(new[] { "request", "accept", "contract", "deliver", "verify", "close" }));
        Assert.That(history.Select(h => h!["actorKind"]!.GetValue<string>()), Is.EqualTo(new[] { "enterprise", "integrator", "enterprise", "integrator", "enterprise", "integrator" }));
        Assert.That(history.Select(h => h!["actorId"]!.GetValue<string>()).Distinct(), Is.EquivalentTo(new[] { _enterprise.Id.ToString(), _integrator.Id.ToString() }));
        Assert.That(history[2]!["detail"]!.GetValue<string>(), Does.Contain("合同价45万元，计划60天"));
        Assert.That(history.Select(h => h!["at"]), Has.All.Not.Null);
    }

    [Test]
    public async Task Only_the_two_parties_and_operators_see_an_engagement_everyone_else_gets_404()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人替代人工，焊缝质量不稳定");
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var url = $"/api/v1/engagements/{IdOf(opened)}";

        foreach (var party in new[] { _enterprise.Client, _integrator.Client, _host.Operator() })
        {
            Assert.That((await party.GetAsync(url)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        foreach (var outsider in new[] { _otherEnterprise, _otherIntegrator, _center })
        {
            await ProblemAssert.IsProblemAsync(await outsider.Client.GetAsync(url), HttpStatusCode.NotFound);
            await ProblemAssert.IsProblemAsync(await StepRequestAsync(outsider, IdOf(opened), etag, new { action = "accept" }), HttpStatusCode.NotFound);
            if (outsider != _center)
            {
                var listed = await GetJsonAsync(outsider.Client, "/api/v1/engagements?pageSize=100");
                Assert.That(listed["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()), Does.Not.Contain(IdOf(opened).ToString()));
            }
        }
        await ProblemAssert.IsProblemAsync(await _center.Client.GetAsync("/api/v1/engagements"), HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await _host.Client().GetAsync(url), HttpStatusCode.Unauthorized);

        foreach (var party in new[] { _enterprise.Client, _integrator.Client, _host.Operator() })
        {
            var listed = await GetJsonAsync(party, $"/api/v1/engagements?itemId={itemId}");
            Assert.That(listed["items"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()), Is.EqualTo(new[] { IdOf(opened).ToString() }));
        }
    }

    [Test]
    public async Task Contact_details_reach_the_integrator_with_the_engagement_and_leads_and_lists_show_it()
    {
        var enterprise = await _host.CreateOrganizationAsync("enterprise", name: "重庆不公开名称制造有限公司", discloseName: false);
        var itemId = await ItemMatchingAsync(enterprise, _offering, "焊接机器人 弧焊 焊缝宽窄不一");
        var leadBefore = await LeadOfAsync(itemId);
        Assert.That(leadBefore["enterpriseName"], Is.Null, "the lead does not name an enterprise that did not opt in");
        Assert.That(leadBefore["matches"]![0]!["engagementId"], Is.Null);

        var (opened, _) = await OpenAsync(enterprise, itemId, _offering);

        var seen = await GetJsonAsync(_integrator.Client, $"/api/v1/engagements/{IdOf(opened)}");
        Assert.That(seen["enterprise"]!["name"]!.GetValue<string>(), Is.EqualTo("重庆不公开名称制造有限公司"));
        Assert.That(seen["enterprise"]!["contact"]!["phone"]!.GetValue<string>(), Is.EqualTo("023-6512 3456"));
        Assert.That(seen["enterprise"]!["contact"]!["email"]!.GetValue<string>(), Is.EqualTo("wang@example.com"));
        var leadAfter = await LeadOfAsync(itemId);
        var match = leadAfter["matches"]!.AsArray().Single(m => m!["offeringId"]!.GetValue<string>() == _offering.ToString())!;
        Assert.That(match["engagementId"]!.GetValue<string>(), Is.EqualTo(IdOf(opened).ToString()));
        Assert.That(match["engagementStatus"]!.GetValue<string>(), Is.EqualTo("requested"));

        var listId = opened["listId"]!.GetValue<string>();
        var asOwner = await GetJsonAsync(enterprise.Client, $"/api/v1/demand-lists/{listId}");
        var engagements = asOwner["items"]![0]!["engagements"]!.AsArray();
        Assert.That(engagements.Select(e => e!["id"]!.GetValue<string>()), Is.EqualTo(new[] { IdOf(opened).ToString() }));
        Assert.That(engagements[0]!["status"]!.GetValue<string>(), Is.EqualTo("requested"));
        var asCenter = await GetJsonAsync(_center.Client, $"/api/v1/demand-lists/{listId}");
        Assert.That(asCenter["items"]![0]!["engagements"]!.AsArray(), Is.Empty, "the capability center reads lists but not engagements");
    }

    private async Task<JsonObject> LeadOfAsync(Guid itemId)
    {
        var leads = await GetJsonAsync(_integrator.Client, "/api/v1/leads?pageSize=100");
        return leads["items"]!.AsArray().Single(l => l!["itemId"]!.GetValue<string>() == itemId.ToString())!.AsObject();
    }

    [Test]
    public async Task A_dispute_goes_back_to_delivery_and_can_end_in_a_close_by_an_operator()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人工作站 焊缝 返工");
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var id = IdOf(opened);
        (_, etag) = await StepAsync(_integrator, id, etag, new { action = "accept" });
        (_, etag) = await StepAsync(_enterprise, id, etag, new { action = "contract", agreedPriceYuan = 300_000, plannedDays = 30 });
        (_, etag) = await StepAsync(_integrator, id, etag, new { action = "deliver" });
        var (disputed, etag2) = await StepAsync(_enterprise, id, etag, new { action = "dispute", reason = "焊缝跟踪不准，合格率未达合同约定" });
        Assert.That(disputed["status"]!.GetValue<string>(), Is.EqualTo("disputed"));
        Assert.That(Allowed(disputed), Is.EquivalentTo(new[] { "verify", "close" }));
        var (redelivered, etag3) = await StepAsync(_integrator, id, etag2, new { action = "deliver", note = "更换焊缝跟踪传感器" });
        Assert.That(redelivered["status"]!.GetValue<string>(), Is.EqualTo("delivered"));
        (_, etag) = await StepAsync(_enterprise, id, etag3, new { action = "dispute", reason = "仍未达标" });

        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_host.OperatorOrg, id, etag, new { action = "close" }), HttpStatusCode.BadRequest, "reason");
        var (closed, _) = await StepAsync(_host.OperatorOrg, id, etag, new { action = "close", reason = "双方协商未果，运营方调解结案" });

        Assert.That(closed["status"]!.GetValue<string>(), Is.EqualTo("closed"));
        Assert.That(closed["verifiedAt"], Is.Null, "closed without 验收");
        Assert.That(closed["endReason"]!.GetValue<string>(), Is.EqualTo("双方协商未果，运营方调解结案"));
        Assert.That(closed["history"]!.AsArray().Last()!["actorKind"]!.GetValue<string>(), Is.EqualTo("operator"));
    }

    [Test]
    public async Task Withdrawal_rules_and_a_new_request_after_an_ended_one()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 弧焊工作站 报价");
        var (first, etag) = await OpenAsync(_enterprise, itemId, _offering);
        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_enterprise, itemId, _offering), HttpStatusCode.Conflict);
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, IdOf(first), etag, new { action = "withdraw" }), HttpStatusCode.Forbidden);
        var (withdrawn, _) = await StepAsync(_enterprise, IdOf(first), etag, new { action = "withdraw" });
        Assert.That(withdrawn["status"]!.GetValue<string>(), Is.EqualTo("withdrawn"));

        var (second, etag2) = await OpenAsync(_enterprise, itemId, _offering);
        (_, etag2) = await StepAsync(_integrator, IdOf(second), etag2, new { action = "accept" });
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, IdOf(second), etag2, new { action = "withdraw" }), HttpStatusCode.BadRequest, "reason");
        var (byIntegrator, _) = await StepAsync(_integrator, IdOf(second), etag2, new { action = "withdraw", reason = "排期已满，无法承接" });
        Assert.That(byIntegrator["status"]!.GetValue<string>(), Is.EqualTo("withdrawn"));

        var (third, etag3) = await OpenAsync(_enterprise, itemId, _offering);
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, IdOf(third), etag3, new { action = "decline" }), HttpStatusCode.BadRequest, "reason");
        var (declined, _) = await StepAsync(_integrator, IdOf(third), etag3, new { action = "decline", reason = "不在服务范围内" });
        Assert.That(declined["status"]!.GetValue<string>(), Is.EqualTo("declined"));
        Assert.That(declined["endReason"]!.GetValue<string>(), Is.EqualTo("不在服务范围内"));
        var all = await GetJsonAsync(_enterprise.Client, $"/api/v1/engagements?itemId={itemId}");
        Assert.That(all["total"]!.GetValue<long>(), Is.EqualTo(3));
    }

    [Test]
    public async Task Bad_transitions_get_clear_problem_details()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "弧焊机器人 车架焊接 人工成本高");
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var id = IdOf(opened);

        var unknown = await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, etag, new { action = "approve" }), HttpStatusCode.BadRequest, "action");
        Assert.That(unknown["errors"]!["action"]![0]!.GetValue<string>(), Does.Contain("accept, decline"));
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, etag, new { }), HttpStatusCode.BadRequest, "action");
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, null, new { action = "accept" }), HttpStatusCode.PreconditionRequired);
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, "\"999\"", new { action = "accept" }), HttpStatusCode.PreconditionFailed);
        var wrongParty = await ProblemAssert.IsProblemAsync(await StepRequestAsync(_enterprise, id, etag, new { action = "accept" }), HttpStatusCode.Forbidden);
        Assert.That(wrongParty["detail"]!.GetValue<string>(), Does.Contain("only the integrator can accept"));
        var wrongState = await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, etag, new { action = "deliver" }), HttpStatusCode.Conflict);
        Assert.That(wrongState["detail"]!.GetValue<string>(), Does.Contain("you can: accept, decline"));
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_integrator, id, etag, new { action = "accept", agreedPriceYuan = 1 }), HttpStatusCode.BadRequest, "agreedPriceYuan");
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_host.OperatorOrg, id, etag, new { action = "accept" }), HttpStatusCode.Forbidden);

        (_, etag) = await StepAsync(_integrator, id, etag, new { action = "accept" });
        var contract = await ProblemAssert.IsProblemAsync(await StepRequestAsync(_enterprise, id, etag, new { action = "contract", agreedPriceYuan = -5, plannedDays = 0 }),
            HttpStatusCode.BadRequest, "agreedPriceYuan");
        Assert.That(contract["errors"]!.AsObject().ContainsKey("plannedDays"), Is.True);
        await ProblemAssert.IsProblemAsync(await StepRequestAsync(_enterprise, id, etag, new { action = "contract" }), HttpStatusCode.BadRequest, "plannedDays");
        await ProblemAssert.IsProblemAsync(await _integrator.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/engagements/{id}/transitions", etag)), HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.GetAsync("/api/v1/engagements?status=finished"), HttpStatusCode.BadRequest, "status");
    }

    [Test]
    public async Task Opening_an_engagement_needs_a_match_of_your_own_item_and_a_way_to_reach_you()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 焊缝跟踪");
        var unrelated = await _host.PublishOfferingAsync(_otherIntegrator, OfferingBody(title: "食品包装机", direction: "food", summary: "全自动包装", description: "枕式包装机，适合糕点",
            keywords: ["包装机"]));

        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_enterprise, itemId, unrelated), HttpStatusCode.BadRequest, "offeringId");
        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_otherEnterprise, itemId, _offering), HttpStatusCode.BadRequest, "itemId");
        await ProblemAssert.IsProblemAsync(await _integrator.Client.PostAsJsonAsync("/api/v1/engagements", new { itemId, offeringId = _offering, message = "x", contact = Contact() }),
            HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_enterprise, itemId, _offering, new { name = "王经理" }), HttpStatusCode.BadRequest, "contact");
        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_enterprise, itemId, _offering, new { name = "王经理", phone = "call me", email = "not-an-address" }),
            HttpStatusCode.BadRequest, "contact.phone");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/engagements", new { itemId, offeringId = _offering, contact = Contact() }),
            HttpStatusCode.BadRequest, "message");
        await ProblemAssert.IsProblemAsync(await _enterprise.Client.PostAsJsonAsync("/api/v1/engagements", new { }), HttpStatusCode.BadRequest, "itemId");
    }

    [Test]
    public async Task An_engagement_needs_the_offering_among_the_items_current_matches_not_those_before_an_edit()
    {
        var (list, etag) = await CreateListAsync(_otherEnterprise, Item("车架焊接全靠人工，焊缝宽窄不一，想让机器人焊"));
        var itemId = Guid.Parse(list["items"]![0]!["id"]!.GetValue<string>());
        var url = $"/api/v1/demand-lists/{list["id"]}";
        var edited = await _otherEnterprise.Client.SendAsync(WithIfMatch(HttpMethod.Put, url, etag, new
        {
            title = "需求清单",
            items = new[] { Item("豆制品车间的废水COD超标，环保局天天来查，想把污水处理好", id: itemId) },
        }));
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK), await edited.Content.ReadAsStringAsync());
        var matches = await GetJsonAsync(_otherEnterprise.Client, $"{url}/matches?topK=50");
        Assert.That(matches["items"]![0]!["matches"]!.AsArray().Select(m => m!["offeringId"]!.GetValue<string>()), Does.Not.Contain(_offering.ToString()),
            "the welding offering no longer matches the edited item");

        await ProblemAssert.IsProblemAsync(await OpenRequestAsync(_otherEnterprise, itemId, _offering), HttpStatusCode.BadRequest, "offeringId");
    }

    [Test]
    public async Task Verification_needs_measured_outcomes_with_baselines_in_sensible_units()
    {
        var itemId = await ItemMatchingAsync(_enterprise, _offering, "焊接机器人 焊缝合格率低 想验收效果");
        var (opened, etag) = await OpenAsync(_enterprise, itemId, _offering);
        var id = IdOf(opened);
        (_, etag) = await StepAsync(_integrator, id, etag, new { action = "accept" });
        (_, etag) = await StepAsync(_enterprise, id, etag, new { action = "contract", agreedPriceYuan = 400_000, plannedDays = 45 });
        (_, etag) = await StepAsync(_integrator, id, etag, new { action = "deliver" });
        async Task<JsonObject> Refused(object body, string field) =>
            await ProblemAssert.IsProblemAsync(await StepRequestAsync(_enterprise, id, etag, body), HttpStatusCode.BadRequest, field);

        await Refused(new { action = "verify", actualCostYuan = 400_000, actualDays = 40 }, "outcomes");
        await Refused(new { action = "verify", actualDays = 40, outcomes = new[] { new { dimension = "quality", metric = "一次合格率", unit = "%", baseline = 92, actual = 98 } } },
            "actualCostYuan");
        await Refused(new { action = "verify", actualCostYuan = 400_000, actualDays = 40, outcomes = new[] { new { dimension = "quality", metric = "一次合格率", unit = "%", actual = 98 } } },
            "outcomes[0].baseline");
        var many = await Refused(new
        {
            action = "verify", actualCostYuan = 400_000, actualDays = 40,
            outcomes = new object[]
            {
                new { dimension = "happiness", metric = "满意度", unit = "%", baseline = 50, actual = 60 },
                new { dimension = "quality", metric = "一次合格率", unit = "%", baseline = 92, actual = 120 },
                new { dimension = "economic-benefit", metric = "焊工人数", unit = "人", baseline = 8, actual = 3.5 },
                new { dimension = "economic-benefit", metric = "能耗", unit = "度", baseline = 100, actual = 88 },
                new { dimension = "economic-benefit", metric = "单件成本", unit = "元/件", baseline = -3, actual = 2 },
            },
        }, "outcomes[0].dimension");
        var errors = many["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Is.SupersetOf(new[] { "outcomes[1].actual", "outcomes[2].actual", "outcomes[3].unit", "outcomes[4].baseline" }));
        Assert.That(errors["outcomes[2].actual"]![0]!.GetValue<string>(), Does.Contain("whole numbers"));
        await Refused(new { action = "dispute", reason = "x", outcomes = new[] { new { dimension = "quality" } } }, "outcomes");
        var precise = await Refused(new
        {
            action = "verify", actualCostYuan = 400_000, actualDays = 40,
            outcomes = new[] { new { dimension = "quality", metric = "一次合格率", unit = "%", baseline = 92.5, actual = 95.123456789 } },
        }, "outcomes[0].actual");
        Assert.That(precise["errors"]!["outcomes[0].actual"]![0]!.GetValue<string>(), Does.Contain("four decimal places"), "not rounded without a word");

        var (verified, _) = await StepAsync(_enterprise, id, etag, new
        {
            action = "verify", actualCostYuan = 380_000, actualDays = 40,
            outcomes = new object[]
            {
                new { dimension = "quality", metric = "一次合格率", unit = "%", baseline = 92, actual = 98 },
                new { dimension = "economic-benefit", metric = "焊工人数", unit = "人", baseline = 8, actual = 3 },
                new { dimension = "technology-process", metric = "单件能耗", unit = "千瓦时/件", baseline = 2.5, actual = 2.2 },
                new { dimension = "industrial-chain", metric = "交付周期", unit = "天", baseline = 20, actual = 16 },
            },
        });
        var outcomes = verified["outcomes"]!.AsArray();
        Assert.That(outcomes, Has.Count.EqualTo(4));
        Assert.That(outcomes[0]!["summary"]!.GetValue<string>(), Is.EqualTo("一次合格率 92%→98%"));
        Assert.That(outcomes[0]!["dimensionName"]!.GetValue<string>(), Is.EqualTo("质量管控优化"));
        Assert.That(outcomes[1]!["change"]!.GetValue<double>(), Is.EqualTo(-5));
        Assert.That(outcomes[3]!["changePercent"]!.GetValue<double>(), Is.EqualTo(-20));
        Assert.That(verified["history"]!.AsArray().Last()!["detail"]!.GetValue<string>(), Does.Contain("一次合格率 92%→98%"));
    }
}
