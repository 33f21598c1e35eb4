using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Marketplace.Tests.Demands;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Demands.DemandsHost;

namespace Marketplace.Tests.Engagements;

/// <summary>Engagement steps through the HTTP API, shared by the engagement, rating, case and webhook tests.</summary>
public static class EngagementSteps
{
    public static object Contact(string name = "王经理", string? phone = "023-6512 3456", string? email = "wang@example.com") => new { name, phone, email };

    /// <summary>A demand list whose only item is matched with the offering; returns the item id.</summary>
    public static async Task<Guid> ItemMatchingAsync(Org enterprise, Guid offeringId, string text = "车架焊接全靠人工，焊缝不均匀，想用焊接机器人")
    {
        var (list, _) = await CreateListAsync(enterprise, Item(text));
        var itemId = Guid.Parse(list["items"]![0]!["id"]!.GetValue<string>());
        var matches = await GetJsonAsync(enterprise.Client, $"/api/v1/demand-lists/{list["id"]}/matches?topK=50");
        Assert.That(matches["items"]![0]!["matches"]!.AsArray().Select(m => m!["offeringId"]!.GetValue<string>()), Does.Contain(offeringId.ToString()),
            "the offering is among the item's matches");
        return itemId;
    }

    public static Task<HttpResponseMessage> OpenRequestAsync(Org enterprise, Guid itemId, Guid offeringId, object? contact = null) =>
        enterprise.Client.PostAsJsonAsync("/api/v1/engagements", new { itemId, offeringId, message = "想了解焊接机器人工作站的报价和交付周期", contact = contact ?? Contact() });

    /// <summary>Opens an engagement; returns its JSON and ETag.</summary>
    public static async Task<(JsonObject Engagement, string ETag)> OpenAsync(Org enterprise, Guid itemId, Guid offeringId)
    {
        var response = await OpenRequestAsync(enterprise, itemId, offeringId);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    public static Task<HttpResponseMessage> StepRequestAsync(Org party, Guid id, string? etag, object body) =>
        party.Client.SendAsync(WithIfMatch(HttpMethod.Post, $"/api/v1/engagements/{id}/transitions", etag, body));

    /// <summary>Takes a step that must succeed; returns the engagement and its new ETag.</summary>
    public static async Task<(JsonObject Engagement, string ETag)> StepAsync(Org party, Guid id, string etag, object body)
    {
        var response = await StepRequestAsync(party, id, etag, body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response), response.Headers.ETag!.ToString());
    }

    public static object Verification(long actualCostYuan = 420_000, int actualDays = 50) => new
    {
        action = "verify",
        actualCostYuan,
        actualDays,
        outcomes = new object[]
        {
            new { dimension = "quality", metric = "焊缝一次合格率", unit = "%", baseline = 92, actual = 98 },
            new { dimension = "economic-benefit", metric = "焊工人数", unit = "人", baseline = 8, actual = 3 },
        },
    };

    /// <summary>Request → accept → contract → deliver → verify (验收); returns the verified engagement's id and ETag.</summary>
    public static async Task<(Guid Id, string ETag)> VerifiedAsync(Org enterprise, Org integrator, Guid itemId, Guid offeringId,
        long agreedPriceYuan = 400_000, int plannedDays = 60, object? verification = null)
    {
        var (opened, etag) = await OpenAsync(enterprise, itemId, offeringId);
        var id = Guid.Parse(opened["id"]!.GetValue<string>());
        (_, etag) = await StepAsync(integrator, id, etag, new { action = "accept" });
        (_, etag) = await StepAsync(enterprise, id, etag, new { action = "contract", agreedPriceYuan, plannedDays });
        (_, etag) = await StepAsync(integrator, id, etag, new { action = "deliver", note = "设备安装调试完成" });
        (_, etag) = await StepAsync(enterprise, id, etag, verification ?? Verification());
        return (id, etag);
    }
}
