using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Marketplace.Tests.Api;
using Microsoft.Data.Sqlite;
using static Marketplace.Tests.Api.MarketplaceApp;
using static Marketplace.Tests.Bulk.BulkHost;

namespace Marketplace.Tests.Bulk;

/// <summary>Jobs survive a restart, or fail with a reason: a node stops mid-job and the API starts again on the same data.</summary>
public class BulkRecoveryTests
{
    private static readonly Dictionary<string, string?> NoRunner = new() { ["Marketplace:Bulk:RunJobs"] = "false" };

    /// <summary>Queues an import on a node that doesn't run jobs, then makes it look as a node that died left it: running, half done.</summary>
    private static async Task<(string DataDirectory, string ApiKey, string Url, string Id)> LeaveRunningAsync(string query, Action<SqliteConnection, string>? tamper = null)
    {
        string url, id, key, directory;
        using (var app = new MarketplaceApp(settings: NoRunner))
        {
            directory = app.DataDirectory;
            var integrator = await app.CreateOrganizationAsync("integrator");
            key = integrator.ApiKey;
            var response = await UploadAsync(integrator.Client, Csv(30, 5), query);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
            url = response.Headers.Location!.ToString();
            id = url[(url.LastIndexOf('/') + 1)..];
        }
        SqliteConnection.ClearAllPools();
        using (var c = new SqliteConnection($"Data Source={Path.Combine(directory, "marketplace.db")}"))
        {
            c.Open();
            Execute("UPDATE jobs SET status = 'running', processed = 12, node = 'a-node-that-died' WHERE id = $id; UPDATE bulk_jobs SET attempts = 1 WHERE job_id = $id")(c, id);
            tamper?.Invoke(c, id);
        }
        SqliteConnection.ClearAllPools();
        return (directory, key, url, id);
    }

    /// <summary>Starts the API again on the data a stopped node left (the tamper already applied) and waits for the job's outcome.</summary>
    private static async Task<JsonObject> AfterRestartAsync((string DataDirectory, string ApiKey, string Url, string Id) left, Func<HttpClient, Task>? more = null)
    {
        try
        {
            using var app = new MarketplaceApp(left.DataDirectory);
            var import = await WaitAsync(app.Client(left.ApiKey), left.Url);
            if (more is not null)
            {
                await more(app.Client(left.ApiKey));
            }
            return import;
        }
        finally
        {
            DeleteDirectory(left.DataDirectory);
        }
    }

    private static Action<SqliteConnection, string> Execute(string sql) => (c, id) =>
    {
        using var command = c.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$id", id);
        command.ExecuteNonQuery();
    };

    [Test]
    public async Task An_import_left_running_by_a_stopped_node_is_finished_after_the_restart()
    {
        long drafts = -1;
        var import = await AfterRestartAsync(await LeaveRunningAsync("&dryRun=false&skipInvalid=true"), async client => drafts = await OwnOfferingsAsync(client));

        Assert.That(import["job"]!["status"]!.GetValue<string>(), Is.EqualTo("succeeded"), import.ToJsonString());
        Assert.That(import["result"]!["created"]!.GetValue<long>(), Is.EqualTo(29));
        Assert.That(drafts, Is.EqualTo(29), "imported once");
    }

    [Test]
    public async Task A_job_interrupted_too_often_fails_with_the_reason()
    {
        long drafts = -1;
        var import = await AfterRestartAsync(await LeaveRunningAsync("&dryRun=false&skipInvalid=true", Execute("UPDATE bulk_jobs SET attempts = 3 WHERE job_id = $id")),
            async client => drafts = await OwnOfferingsAsync(client));

        Assert.That(import["job"]!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(import["job"]!["error"]!.GetValue<string>(), Does.Contain("中断 3 次"));
        Assert.That(drafts, Is.Zero);
    }

    [Test]
    public async Task A_job_whose_file_is_gone_fails_with_the_reason()
    {
        var import = await AfterRestartAsync(await LeaveRunningAsync("", Execute("DELETE FROM job_file_chunks WHERE job_id = $id")));

        Assert.That(import["job"]!["status"]!.GetValue<string>(), Is.EqualTo("failed"));
        Assert.That(import["job"]!["error"]!.GetValue<string>(), Does.Contain("请重新上传"));
    }

    [Test]
    public async Task A_search_rebuild_leaves_imports_queued_for_other_nodes_alone()
    {
        // The rebuild fails rebuild jobs whose node is gone; a bulk job's node is no lease holder and used to be failed too.
        using var app = new MarketplaceApp(settings: NoRunner);
        var integrator = await app.CreateOrganizationAsync("integrator");
        var upload = await UploadAsync(integrator.Client, Csv(3), "&dryRun=true");
        Assert.That(upload.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await upload.Content.ReadAsStringAsync());

        var rebuild = await app.Operator().PostAsync("/api/v1/admin/search/rebuild", null);
        Assert.That(rebuild.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await rebuild.Content.ReadAsStringAsync());

        var import = await (await integrator.Client.GetAsync(upload.Headers.Location)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.That(import!["job"]!["status"]!.GetValue<string>(), Is.EqualTo("queued"), import.ToJsonString());
    }
}
