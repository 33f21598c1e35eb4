// The walk-through through a client Kiota generates from openapi/marketplace.v1.json (obj/kiota, at build time).
// Optional request properties are simply not set (Kiota writes only what is set): no nulls are sent.
// Usage: dotnet run --project clients/csharp -- <api url> <operator key>   (scripts/contract-check.sh runs it through the validating proxy)
using Marketplace.Client;
using Marketplace.Client.Models;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Marketplace.KiotaWalkthrough <api url> <operator key>");
    return 2;
}
var api = args[0].TrimEnd('/');
// The key goes in the X-Api-Key header (Kiota's ApiKeyAuthenticationProvider insists on https; a local run is http).
MarketplaceClient ClientFor(string? key)
{
    var http = new HttpClient(KiotaClientFactory.ChainHandlersCollectionAndGetFirstLink(
        KiotaClientFactory.GetDefaultHttpMessageHandler(), [.. KiotaClientFactory.CreateDefaultHandlers(), new ContractCheck()])!, disposeHandler: false);
    if (key is not null)
    {
        http.DefaultRequestHeaders.Add("X-Api-Key", key);
    }
    return new MarketplaceClient(new HttpClientRequestAdapter(new AnonymousAuthenticationProvider(), httpClient: http) { BaseUrl = api });
}

var operatorClient = ClientFor(args[1]);
var anyone = ClientFor(null);

async Task<(Guid Id, MarketplaceClient Client)> Register(CreateOrganizationRequest request)
{
    var created = await operatorClient.Api.V1.Organizations.PostAsync(request) ?? throw new InvalidOperationException("no organization");
    return (created.Organization!.Id!.Value, ClientFor(created.ApiKey ?? throw new InvalidOperationException("no API key in the answer")));
}

// 1–3. An integrator publishes an offering; the operator approves it.
var integrator = await Register(new CreateOrganizationRequest
{
    Kind = OrganizationKindCode.Integrator, Name = "重庆巴渝智造机器人有限公司", CreditCode = CreditCodes.Fresh("91500112"), District = DistrictName.两江新区,
});
OfferingInput Offering(int days) => new()
{
    Type = OfferingTypeCode.Solution,
    Title = "六轴弧焊机器人工作站",
    Summary = "替代人工焊接，适合车架、钢结构中小批量焊接",
    Description = "六轴弧焊机器人配变位机与焊缝跟踪，焊缝均匀，减少返工，一套替代两到三名焊工。",
    Directions = [DirectionCode.Machinery],
    SubDirections = [SubDirectionCode.MachineryWelding],
    Keywords = ["弧焊机器人", "焊接"],
    Deployment = DeploymentModeCode.Hardware,
    PriceMinYuan = 250_000,
    PriceMaxYuan = 600_000,
    ImplementationDays = days,
    Districts = [ServiceArea.全市],
};
var draft = await integrator.Client.Api.V1.Offerings.PostAsync(Offering(45)) ?? throw new InvalidOperationException("no offering");
var offering = integrator.Client.Api.V1.Offerings[draft.Id!.Value];
await offering.Submit.PostAsync();
await operatorClient.Api.V1.Offerings[draft.Id.Value].Approve.PostAsync();

// 4. Anyone reads it and finds it by a Chinese query and its direction.
await anyone.Api.V1.Taxonomy.GetAsync();
await anyone.Api.V1.Offerings[draft.Id.Value].GetAsync();
var found = false;
for (var attempt = 0; attempt < 10 && !found; attempt++)
{
    var page = await anyone.Api.V1.Offerings.Search.GetAsync(c =>
    {
        c.QueryParameters.Q = "焊接机器人";
        c.QueryParameters.Direction = [DirectionCode.Machinery];
        c.QueryParameters.PageSize = 100;
    });
    found = page!.Items!.Any(i => i.Id == draft.Id);
    if (!found)
    {
        await Task.Delay(500);
    }
}
if (!found)
{
    throw new InvalidOperationException("the approved offering was not found by search within 5 s");
}

// 5. Edit the published offering with If-Match, then review again.
var headers = new HeadersInspectionHandlerOption { InspectResponseHeaders = true };
await offering.GetAsync(c => c.Options.Add(headers));
var etag = headers.ResponseHeaders["ETag"].Single();
await offering.PutAsync(Offering(40), c => c.Headers.Add("If-Match", etag));
await offering.Submit.PostAsync();
await operatorClient.Api.V1.Offerings[draft.Id.Value].Reject.PostAsync(new RejectRequest { Reason = "请补充焊缝跟踪的精度指标" });
await offering.Submit.PostAsync();
await operatorClient.Api.V1.Offerings[draft.Id.Value].Approve.PostAsync();
await offering.History.GetAsync();

// 6–8. An enterprise's demand list is matched; the capability center reads the feed and the statistics.
var enterprise = await Register(new CreateOrganizationRequest
{
    Kind = OrganizationKindCode.Enterprise, Name = "重庆璧丰摩托车配件有限公司", CreditCode = CreditCodes.Fresh("91500120"), District = DistrictName.璧山区,
    Industry = "摩托车零部件制造", Scale = EnterpriseScale.规下高成长,
});
var center = await Register(new CreateOrganizationRequest
{
    Kind = OrganizationKindCode.CapabilityCenter, Name = "重庆市产业大脑能力中心", CreditCode = CreditCodes.Fresh("12500000"), District = DistrictName.渝北区,
});
var list = await enterprise.Client.Api.V1.DemandLists.PostAsync(new DemandListRequest
{
    Title = "车架焊接与设备联网",
    Items =
    [
        new DemandItemRequest { Text = "车架焊接全靠老焊工，焊缝宽窄不一，客户投诉多，想让机器人焊", BudgetYuan = 500_000, WithinDays = 60 },
        new DemandItemRequest { Text = "几十台机床哪台在干活、一天出多少件全靠报数，想先看清楚" },
    ],
}) ?? throw new InvalidOperationException("no demand list");
var matches = await enterprise.Client.Api.V1.DemandLists[list.Id!.Value].Matches.GetAsync(c => c.QueryParameters.TopK = 5);
if (matches!.Items!.Count != 2)
{
    throw new InvalidOperationException("both items should have been matched");
}
await integrator.Client.Api.V1.Leads.GetAsync();
var feed = await center.Client.Api.V1.Matches.Feed.GetAsync(c => c.QueryParameters.Limit = 100);
await center.Client.Api.V1.Matches.Feed.GetAsync(c => c.QueryParameters.After = feed!.NextCursor);
await center.Client.Api.V1.Stats.SupplyDemand.GetAsync();

Console.WriteLine($"Kiota C# client walk-through done: {ContractCheck.Exchanges} exchanges.");
return 0;

/// <summary>Fails on any contract violation a validating proxy (Prism) reports in the sl-violations header, and logs each exchange.</summary>
internal sealed class ContractCheck : DelegatingHandler
{
    private static int _exchanges;

    public static int Exchanges => _exchanges;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        Interlocked.Increment(ref _exchanges);
        Console.WriteLine($"{request.Method} {request.RequestUri!.AbsolutePath} → {(int)response.StatusCode}");
        if (response.Headers.TryGetValues("sl-violations", out var violations))
        {
            throw new InvalidOperationException($"{request.Method} {request.RequestUri} ({(int)response.StatusCode}) is outside the document: {string.Join(" ", violations)}");
        }
        return response;
    }
}

/// <summary>A fresh 统一社会信用代码 with its GB 32100-2015 check character.</summary>
internal static class CreditCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    private static readonly int[] Weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

    public static string Fresh(string first8)
    {
        var code = first8 + Random.Shared.Next(0, 1_000_000_000).ToString("D9");
        var sum = code.Select((c, i) => Alphabet.IndexOf(c) * Weights[i]).Sum();
        return code + Alphabet[(31 - sum % 31) % 31];
    }
}
