using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Marketplace.Bench.Bulk;
using Marketplace.Core.Bulk;
using Marketplace.Tests.Api;
using static Marketplace.Tests.Api.MarketplaceApp;

namespace Marketplace.Tests.Bulk;

/// <summary>Helpers for the bulk-file tests: build import files, upload them, wait for jobs.</summary>
public static class BulkHost
{
    public static byte[] Csv(int rows, params int[] bad)
    {
        using var stream = new MemoryStream();
        ImportFileGenerator.WriteCsv(stream, ImportFileGenerator.Rows(rows, bad.ToHashSet()));
        return stream.ToArray();
    }

    public static byte[] Xlsx(int rows, params int[] bad)
    {
        using var stream = new MemoryStream();
        ImportFileGenerator.WriteXlsx(stream, ImportFileGenerator.Rows(rows, bad.ToHashSet()));
        return stream.ToArray();
    }

    public static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] file, string query = "", string contentType = TableFormats.CsvContentType)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync("/api/v1/offering-imports?fileName=offerings" + query, content);
    }

    /// <summary>Uploads and waits for the job to finish; returns the import.</summary>
    public static async Task<JsonObject> ImportAsync(HttpClient client, byte[] file, string query = "", string contentType = TableFormats.CsvContentType)
    {
        var response = await UploadAsync(client, file, query, contentType);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await response.Content.ReadAsStringAsync());
        return await WaitAsync(client, response.Headers.Location!.ToString());
    }

    /// <summary>Polls an import or export until its job has succeeded or failed.</summary>
    public static async Task<JsonObject> WaitAsync(HttpClient client, string url, TimeSpan? timeout = null, TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var response = await client.GetAsync(url);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
            var json = await ReadJsonAsync(response);
            var status = json["job"]!["status"]!.GetValue<string>();
            Assert.That(status != "succeeded" || json["result"] is not null, $"a succeeded job without its result: {json}");
            if (status is "succeeded" or "failed")
            {
                return json;
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"{url} did not finish: {json}");
            await Task.Delay(pollInterval ?? TimeSpan.FromMilliseconds(50));
        }
    }

    public static async Task<JsonArray> ErrorsAsync(HttpClient client, JsonObject import)
    {
        var response = await client.GetAsync(import["errorsUrl"]!.GetValue<string>() + "?pageSize=500");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await ReadJsonAsync(response))["items"]!.AsArray();
    }

    public static async Task<long> OwnOfferingsAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/v1/offerings?owner=me&pageSize=1");
        return (await ReadJsonAsync(response))["total"]!.GetValue<long>();
    }
}
