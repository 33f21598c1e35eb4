using System.Net;
using System.Net.Http.Json;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Bulk.BulkHost;

namespace Marketplace.Tests.Bulk;

/// <summary>An organization's unfinished imports and exports are bounded: each holds a file until it finishes.</summary>
public class BulkQuotaTests
{
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = new MarketplaceApp(settings: new Dictionary<string, string?>
    {
        // Jobs stay queued: no node runs them.
        ["Marketplace:Bulk:RunJobs"] = "false",
        ["Marketplace:Bulk:MaxUnfinishedJobsPerOrganization"] = "2",
    });

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    [Test]
    public async Task One_import_more_than_the_limit_is_a_429_with_Retry_After_and_others_are_not_held_up()
    {
        var integrator = await _app.CreateOrganizationAsync("integrator");
        var other = await _app.CreateOrganizationAsync("integrator");
        for (var n = 0; n < 2; n++)
        {
            var accepted = await UploadAsync(integrator.Client, Csv(3));
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
        }

        var refused = await UploadAsync(integrator.Client, Csv(3));
        var othersFirst = await UploadAsync(other.Client, Csv(3));

        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Multiple(() =>
        {
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("2 个导入或导出任务"));
            Assert.That(refused.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(othersFirst.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        });
    }

    [Test]
    public async Task Exports_count_against_the_same_limit()
    {
        var operatorClient = _app.Operator();
        for (var n = 0; n < 2; n++)
        {
            var accepted = await operatorClient.PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", format = "csv" });
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await accepted.Content.ReadAsStringAsync());
        }

        var refused = await operatorClient.PostAsJsonAsync("/api/v1/exports", new { kind = "offerings", format = "csv" });

        await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.TooManyRequests);
    }
}
