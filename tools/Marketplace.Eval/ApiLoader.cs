using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Marketplace.Eval;

/// <summary>
/// Loads an evaluation dataset through a running Marketplace API and reads back its matches:
/// integrators and enterprises as organizations, offerings created, submitted and approved, one demand
/// list per dataset list; then <c>GET /api/v1/demand-lists/{id}/matches?topK=10</c> per list.
/// Re-running against the same API reuses the organizations (by credit code, with a rotated key) and
/// their published offerings (by title), so nothing is duplicated.
/// </summary>
public sealed class ApiLoader(HttpClient http, string operatorKey, TextWriter log)
{
    private const string KeyHeader = "X-Api-Key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TimeSpan SearchableTimeout { get; init; } = TimeSpan.FromSeconds(60);
    public int TopK { get; init; } = RelevanceMetrics.Depth;

    private sealed record Org(Guid Id, string Key);

    /// <summary>Loads <paramref name="data"/> and returns, per demand item, the offering keys matched, best first.</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RunAsync(EvalDataset data, CancellationToken ct)
    {
        var districtCodes = await DistrictCodesAsync(ct);

        var suppliers = new Dictionary<string, Org>(StringComparer.Ordinal);
        foreach (var supplier in data.Offerings.Select(o => o.Supplier).DistinctBy(s => s.CreditCode))
        {
            suppliers[supplier.CreditCode] = await EnsureOrganizationAsync(new
            {
                kind = "integrator",
                name = supplier.Name,
                creditCode = supplier.CreditCode,
                district = supplier.District,
            }, supplier.CreditCode, "integrator", ct);
        }
        log.WriteLine($"{suppliers.Count} integrators ready.");

        var keyOfOffering = new Dictionary<Guid, string>();
        foreach (var group in data.Offerings.GroupBy(o => o.Supplier.CreditCode))
        {
            var owner = suppliers[group.Key];
            var published = await PublishedTitlesAsync(owner.Id, ct);
            foreach (var offering in group)
            {
                var id = published.TryGetValue(offering.Title, out var existing) ? existing : await PublishAsync(offering, owner, ct);
                keyOfOffering[id] = offering.Key;
            }
        }
        log.WriteLine($"{keyOfOffering.Count} offerings published.");
        await WaitUntilSearchableAsync(keyOfOffering.Keys.ToHashSet(), ct);

        var ranked = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var list in data.Demands.GroupBy(d => d.List))
        {
            var items = list.ToArray();
            var enterprise = items[0].Enterprise;
            var org = await EnsureOrganizationAsync(new
            {
                kind = "enterprise",
                name = enterprise.Name,
                creditCode = EnterpriseCreditCode(enterprise, districtCodes),
                district = enterprise.District,
                industry = enterprise.Industry ?? "制造业",
                scale = enterprise.Scale ?? "其他",
                discloseName = false,
            }, EnterpriseCreditCode(enterprise, districtCodes), "enterprise", ct);
            var listId = await CreateDemandListAsync(list.Key, items, org, ct);
            var matches = await MatchesAsync(listId, org, items.Length, ct);
            for (var i = 0; i < items.Length; i++)
            {
                var offeringIds = ItemMatches(matches, items[i], i);
                ranked[items[i].Item] = offeringIds.Select(id => keyOfOffering.GetValueOrDefault(id, "?" + id)).ToArray();
            }
        }
        log.WriteLine($"{ranked.Count} demand items matched.");
        return ranked;
    }

    private async Task<Dictionary<string, string>> DistrictCodesAsync(CancellationToken ct)
    {
        var taxonomy = await SendAsync(HttpMethod.Get, "/api/v1/taxonomy", null, null, ct);
        return taxonomy["districts"]!.AsArray()
            .Select(d => (Name: (string)d!["name"]!, Code: (string)d["code"]!))
            .ToDictionary(d => d.Name, d => d.Code, StringComparer.Ordinal);
    }

    /// <summary>A valid, stable code for an enterprise of the dataset: its district's area code and a hash of its name.</summary>
    public static string EnterpriseCreditCode(EvalEnterprise enterprise, IReadOnlyDictionary<string, string> districtCodes)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
        // Functional zones (两江新区 …) have no administrative division code of their own.
        var area = districtCodes.GetValueOrDefault(enterprise.District) is { Length: 6 } code && code.All(char.IsAsciiDigit) ? code : "500000";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("eval-enterprise:" + enterprise.Name));
        var body = new string(hash.Take(9).Select(b => alphabet[b % alphabet.Length]).ToArray());
        return Marketplace.Core.Organizations.CreditCode.Complete("91" + area + body);
    }

    private async Task<Org> EnsureOrganizationAsync(object request, string creditCode, string kind, CancellationToken ct)
    {
        using var response = await SendRawAsync(HttpMethod.Post, "/api/v1/organizations", operatorKey, request, null, ct);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            // Registered by an earlier run: find it and rotate its key (keys are shown only once).
            for (var page = 1; ; page++)
            {
                var list = await SendAsync(HttpMethod.Get, $"/api/v1/organizations?kind={kind}&page={page}&pageSize=100", operatorKey, null, ct);
                var items = list["items"]!.AsArray();
                var found = items.FirstOrDefault(o => (string?)o!["creditCode"] == creditCode);
                if (found is not null)
                {
                    var id = (Guid)found["id"]!;
                    var rotated = await SendAsync(HttpMethod.Post, $"/api/v1/organizations/{id}/api-keys/rotate", operatorKey, null, ct);
                    return new Org(id, (string)rotated["apiKey"]!);
                }
                if (items.Count == 0)
                {
                    throw new InvalidOperationException($"Organization with credit code {creditCode} exists but is not listed as {kind}.");
                }
            }
        }
        var created = await ReadAsync(response, ct);
        return new Org((Guid)created["organization"]!["id"]!, (string)created["apiKey"]!);
    }

    private async Task<Dictionary<string, Guid>> PublishedTitlesAsync(Guid owner, CancellationToken ct)
    {
        var titles = new Dictionary<string, Guid>(StringComparer.Ordinal);
        for (var page = 1; ; page++)
        {
            var list = await SendAsync(HttpMethod.Get, $"/api/v1/offerings?owner={owner}&status=published&page={page}&pageSize=100", operatorKey, null, ct);
            var items = list["items"]!.AsArray();
            foreach (var item in items)
            {
                titles.TryAdd((string)item!["title"]!, (Guid)item["id"]!);
            }
            if (items.Count < 100)
            {
                return titles;
            }
        }
    }

    private async Task<Guid> PublishAsync(EvalOffering o, Org owner, CancellationToken ct)
    {
        var input = new
        {
            type = o.Type,
            title = o.Title,
            summary = o.Summary,
            description = o.Description,
            directions = o.Directions,
            subDirections = o.SubDirections ?? [],
            keywords = o.Keywords,
            deployment = o.Deployment,
            priceMinYuan = o.PriceMinYuan,
            priceMaxYuan = o.PriceMaxYuan,
            implementationDays = o.ImplementationDays,
            districts = o.Districts,
            cases = Array.Empty<object>(),
        };
        using var created = await SendRawAsync(HttpMethod.Post, "/api/v1/offerings", owner.Key, input, null, ct);
        var id = (Guid)(await ReadAsync(created, ct))["id"]!;
        using var submitted = await SendRawAsync(HttpMethod.Post, $"/api/v1/offerings/{id}/submit", owner.Key, null, created.Headers.ETag?.ToString(), ct);
        await ReadAsync(submitted, ct);
        using var approved = await SendRawAsync(HttpMethod.Post, $"/api/v1/offerings/{id}/approve", operatorKey, null, submitted.Headers.ETag?.ToString(), ct);
        await ReadAsync(approved, ct);
        return id;
    }

    /// <summary>Polls the public search until every offering is found (the indexer works asynchronously).</summary>
    private async Task WaitUntilSearchableAsync(HashSet<Guid> ids, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + SearchableTimeout;
        while (true)
        {
            var seen = new HashSet<Guid>();
            for (var page = 1; page <= 1000; page++)
            {
                using var response = await SendRawAsync(HttpMethod.Get, $"/api/v1/offerings/search?page={page}&pageSize=100", null, null, null, ct);
                if (response.StatusCode == HttpStatusCode.NotFound)
                {
                    log.WriteLine("No search endpoint (404): waiting 3 s for the indexer instead.");
                    await Task.Delay(TimeSpan.FromSeconds(3), ct);
                    return;
                }
                var items = (await ReadAsync(response, ct))["items"]!.AsArray();
                seen.UnionWith(items.Select(i => (Guid)i!["id"]!));
                if (items.Count < 100)
                {
                    break;
                }
            }
            var missing = ids.Count(id => !seen.Contains(id));
            if (missing == 0)
            {
                log.WriteLine("All offerings are searchable.");
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{missing} offerings still not searchable after {SearchableTimeout.TotalSeconds:0} s.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
        }
    }

    private async Task<Guid> CreateDemandListAsync(string title, IReadOnlyList<EvalDemand> items, Org enterprise, CancellationToken ct)
    {
        var request = new
        {
            title,
            items = items.Select(d => new
            {
                text = d.Text,
                direction = d.Direction,
                subDirection = d.SubDirection,
                budgetYuan = d.BudgetYuan,
                withinDays = d.WithinDays,
            }).ToArray(),
        };
        var created = await SendAsync(HttpMethod.Post, "/api/v1/demand-lists", enterprise.Key, request, ct);
        return (Guid)created["id"]!;
    }

    /// <summary>The list's matches; retried while the service answers 202 or has not matched every item yet.</summary>
    private async Task<JsonArray> MatchesAsync(Guid listId, Org enterprise, int itemCount, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await SendRawAsync(HttpMethod.Get, $"/api/v1/demand-lists/{listId}/matches?topK={TopK}", enterprise.Key, null, null, ct);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                var items = (await ReadAsync(response, ct))["items"]!.AsArray();
                if (items.Count >= itemCount || DateTime.UtcNow > deadline)
                {
                    return items;
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Matches of demand list {listId} not ready after 30 s.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
        }
    }

    /// <summary>The offering ids matched for an item: found by its text (ids are the server's), else by position.</summary>
    private static IReadOnlyList<Guid> ItemMatches(JsonArray items, EvalDemand demand, int index)
    {
        var item = items.FirstOrDefault(i => (string?)i!["text"] == demand.Text) ?? (index < items.Count ? items[index] : null);
        return item?["matches"]?.AsArray().Select(m => (Guid)m!["offeringId"]!).ToArray() ?? [];
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, string? key, object? body, CancellationToken ct)
    {
        using var response = await SendRawAsync(method, path, key, body, null, ct);
        return await ReadAsync(response, ct);
    }

    private async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, string? key, object? body, string? ifMatch, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Add(KeyHeader, key);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }
        return await http.SendAsync(request, ct);
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} → {(int)response.StatusCode}: {text}",
                null, response.StatusCode);
        }
        return JsonNode.Parse(text) ?? throw new InvalidDataException($"Empty answer from {response.RequestMessage?.RequestUri}.");
    }
}
