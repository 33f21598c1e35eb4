using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Marketplace.Tests.Api;

/// <summary>
/// A server must not perform a change whose If-Match is false (RFC 9110 §13.1.1). Operations on a resource with an ETag
/// compare it (their own tests send stale ones); every other state-changing operation in the served document hands out no
/// ETag, so an If-Match naming one is never true: 412, whoever calls, before anything changes.
/// </summary>
public class StaleIfMatchTests : ServedDocumentWalk
{
    [Test]
    public async Task Every_change_that_takes_no_if_match_refuses_one_naming_a_version()
    {
        var failures = new List<string>();
        var checkedOperations = 0;
        foreach (var (path, operations) in Document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in operations!.AsObject().Where(m => m.Key is "post" or "put" or "patch" or "delete"))
            {
                if (operation!["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "If-Match") == true)
                {
                    continue;
                }
                var url = WithNewIds(path);
                var mediaType = operation["requestBody"]?["content"]?.AsObject().First().Key;
                HttpResponseMessage? admitted = null;
                foreach (var (_, client) in Callers)
                {
                    var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
                    if (mediaType is not null)
                    {
                        request.Content = new StringContent("{}", Encoding.UTF8, mediaType);
                    }
                    request.Headers.TryAddWithoutValidation("If-Match", "\"stale\"");
                    var response = await client.SendAsync(request);
                    if (response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                    {
                        admitted = response;
                        break;
                    }
                }
                checkedOperations++;
                if (admitted?.StatusCode != HttpStatusCode.PreconditionFailed)
                {
                    failures.Add($"{method.ToUpperInvariant()} {path} → {(admitted is null ? "no caller admitted" : $"{(int)admitted.StatusCode} {await admitted.Content.ReadAsStringAsync()}")}");
                }
            }
        }
        Assert.That(failures, Is.Empty);
        Assert.That(checkedOperations, Is.GreaterThan(15));
    }

    [Test]
    public async Task A_change_that_takes_no_if_match_still_goes_ahead_with_none_or_with_a_star()
    {
        var enterprise = await App.CreateOrganizationAsync("enterprise");
        foreach (var ifMatch in new[] { null, "*" })
        {
            var response = await enterprise.Client.SendAsync(
                MarketplaceApp.WithIfMatch(HttpMethod.Put, "/api/v1/organizations/me/name-disclosure", ifMatch, new { discloseName = true }));
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        }
    }
}
