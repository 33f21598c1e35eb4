using System.Text.Json.Nodes;

namespace Marketplace.Tests.Api;

public class OpenApiDocumentTests
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    private MarketplaceApp _app = null!;
    private JsonObject _served = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _app = new MarketplaceApp();
        _served = JsonNode.Parse(await _app.Client().GetStringAsync("/openapi/v1.json"))!.AsObject();
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Marketplace.sln")))
        {
            directory = directory.Parent;
        }
        return directory?.FullName ?? throw new InvalidOperationException("Marketplace.sln not found above the test binaries.");
    }

    [Test]
    public void Committed_document_matches_the_generated_one()
    {
        var committed = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot(), "openapi", "marketplace.v1.json")))!;

        Assert.That(JsonNode.DeepEquals(committed, _served), Is.True,
            "openapi/marketplace.v1.json is stale: build Marketplace.Api (it regenerates the file) and commit it.");
    }

    [Test]
    public void Api_key_security_scheme_is_declared()
    {
        var scheme = _served["components"]!["securitySchemes"]!["ApiKey"]!;

        Assert.That(scheme["type"]!.GetValue<string>(), Is.EqualTo("apiKey"));
        Assert.That(scheme["in"]!.GetValue<string>(), Is.EqualTo("header"));
        Assert.That(scheme["name"]!.GetValue<string>(), Is.EqualTo("X-Api-Key"));
    }

    private IEnumerable<(string Path, string Method, JsonObject Operation)> Operations() =>
        _served["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(m => Methods.Contains(m.Key)).Select(m => (path.Key, m.Key, m.Value!.AsObject())));

    private JsonObject Schema(string name) => _served["components"]!["schemas"]![name]!.AsObject();

    [Test]
    public void Public_reads_take_an_optional_key_and_the_rest_require_one()
    {
        var security = Operations().ToDictionary(o => o.Operation["operationId"]!.GetValue<string>(), o => o.Operation["security"]!.ToJsonString());

        const string optional = """[{},{"ApiKey":[]}]""";
        const string required = """[{"ApiKey":[]}]""";
        Assert.Multiple(() =>
        {
            foreach (var id in new[] { "GetTaxonomy", "SearchOfferings", "ListOfferings", "GetOffering" })
            {
                Assert.That(security[id], Is.EqualTo(optional), id);
            }
            foreach (var id in new[] { "CreateOrganization", "CreateOffering", "ApproveOffering", "CreateDemandList", "GetMatchFeed" })
            {
                Assert.That(security[id], Is.EqualTo(required), id);
            }
        });
    }

    [Test]
    public void Every_tag_says_who_uses_it()
    {
        var used = Operations().SelectMany(o => o.Operation["tags"]!.AsArray().Select(t => t!.GetValue<string>())).ToHashSet();
        var tags = _served["tags"]!.AsArray().ToDictionary(t => t!["name"]!.GetValue<string>(), t => t!["description"]?.GetValue<string>());

        Assert.That(tags.Keys, Is.EquivalentTo(used));
        Assert.Multiple(() =>
        {
            foreach (var (name, description) in tags)
            {
                Assert.That(description, Is.Not.Null.And.Not.Empty, $"tag '{name}' needs a description in ApiTags");
                Assert.That(description, Does.Match(@"\p{IsCJKUnifiedIdeographs}").And.Match("[A-Za-z]{3,}"), $"tag '{name}': Chinese and English");
            }
        });
        Assert.That(_served["info"]!["license"]!.AsObject().ContainsKey("identifier") || _served["info"]!["license"]!.AsObject().ContainsKey("url"), Is.True);
    }

    [Test]
    public void Request_bodies_are_required_objects_and_optional_properties_are_optional()
    {
        var bodies = Operations().Where(o => o.Operation["requestBody"] is not null).ToArray();
        Assert.That(bodies, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (path, method, operation) in bodies)
            {
                var body = operation["requestBody"]!;
                Assert.That(body["required"]?.GetValue<bool>(), Is.True, $"{method} {path}");
                var content = body["content"]!.AsObject();
                if (content["application/json"] is { } json)
                {
                    Assert.That(json["schema"]!["$ref"], Is.Not.Null, $"{method} {path}: a plain reference, no oneOf null");
                }
                else
                {
                    // A file upload: the body is the file itself.
                    var schemas = content.Select(c => c.Value!["schema"]!["$ref"] is { } reference ? Schema(reference.GetValue<string>().Split('/')[^1]) : c.Value!["schema"]!);
                    Assert.That(schemas.Select(schema => schema["format"]?.GetValue<string>()), Has.All.EqualTo("binary"), $"{method} {path}: a file body");
                }
            }
        });

        var organization = Schema("CreateOrganizationRequest");
        Assert.That(organization["required"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(new[] { "kind", "name", "creditCode", "district" }));
        Assert.That(organization["properties"]!["industry"]!["type"]!.GetValue<string>(), Is.EqualTo("string"), "optional, not nullable");
        Assert.That(Schema("DemandItemRequest")["required"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(new[] { "text" }));
        Assert.That(Schema("EngagementContactRequest")["required"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(new[] { "name" }),
            "a request record reached as a property of another");
        Assert.That(Schema("OfferingInput")["required"]!.AsArray().Select(n => n!.GetValue<string>()), Does.Not.Contain("cases").And.Contain("title"));
        Assert.That(Schema("OfferingResponse")["required"]!.AsArray().Select(n => n!.GetValue<string>()), Does.Contain("rejectReason"), "responses always carry every property");
    }

    [Test]
    public void Limits_and_codes_come_from_the_validators_constants_and_the_taxonomy()
    {
        var offering = Schema("OfferingInput")["properties"]!;
        Assert.Multiple(() =>
        {
            Assert.That(offering["title"]!["maxLength"]!.GetValue<int>(), Is.EqualTo(Marketplace.Core.Offerings.OfferingValidation.TitleMax));
            Assert.That(offering["directions"]!["maxItems"]!.GetValue<int>(), Is.EqualTo(Marketplace.Core.Offerings.OfferingValidation.DirectionsMax));
            Assert.That(offering["keywords"]!["items"]!["maxLength"]!.GetValue<int>(), Is.EqualTo(Marketplace.Core.Offerings.OfferingValidation.KeywordLengthMax));
            Assert.That(offering["districts"]!["items"]!["$ref"]!.GetValue<string>(), Is.EqualTo("#/components/schemas/ServiceArea"), "one shared component per code list");
            Assert.That(Schema("ServiceArea")["enum"]!.AsArray().Select(n => n!.GetValue<string>()),
                Is.EquivalentTo(Marketplace.Core.Taxonomy.TaxonomyCatalog.Default.Districts.Select(d => d.Name).Append("全市")));
            Assert.That(Schema("DemandListRequest")["properties"]!["items"]!["maxItems"]!.GetValue<int>(), Is.EqualTo(Marketplace.Core.Demands.DemandStore.MaxItems));
            Assert.That(Schema("ExportRequest")["properties"]!["status"]!["$ref"]?.GetValue<string>(), Is.EqualTo("#/components/schemas/ExportStatusCode"));
            Assert.That(Schema("ExportStatusCode")["enum"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EquivalentTo(new[] { "live", "all", "open", "closed" }));
            var pageSize = _served["paths"]!["/api/v1/offerings"]!["get"]!["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "pageSize")!;
            Assert.That(pageSize["schema"]!["maximum"]!.GetValue<int>(), Is.EqualTo(Marketplace.Core.Common.Paging.MaxPageSize));
        });
    }

    [Test]
    public void No_oneOf_has_a_branch_that_every_value_matches()
    {
        // oneOf fails when a value matches two branches: a branch that takes any value (the empty schema, or a reference to
        // one, such as JsonElement) makes every null or object answer invalid beside the other branch.
        var schemas = _served["components"]!["schemas"]!.AsObject();
        bool TakesAnything(JsonNode? branch) =>
            branch is JsonObject o && (o.Count == 0 || (o["$ref"]?.GetValue<string>() is { } reference
                && schemas[reference.Split('/')[^1]] is JsonObject target && target.Count == 0));
        IEnumerable<string> Offending(JsonNode? node, string at) => node switch
        {
            JsonObject o => (o["oneOf"] is JsonArray branches && branches.Any(TakesAnything) ? [at] : Array.Empty<string>())
                .Concat(o.SelectMany(p => Offending(p.Value, $"{at}/{p.Key}"))),
            JsonArray a => a.SelectMany((item, i) => Offending(item, $"{at}/{i}")),
            _ => [],
        };

        Assert.That(Offending(_served, "#").ToArray(), Is.Empty);
    }

    [Test]
    public void Response_headers_are_declared_where_they_are_sent()
    {
        string[] Headers(string path, string method, string status) =>
            _served["paths"]![path]![method]!["responses"]![status]!["headers"]?.AsObject().Select(h => h.Key).ToArray() ?? [];

        Assert.Multiple(() =>
        {
            Assert.That(Headers("/api/v1/offerings", "post", "201"), Is.EquivalentTo(new[] { "Location", "ETag", "Idempotent-Replayed" }));
            Assert.That(Headers("/api/v1/offerings/{id}", "get", "200"), Is.EquivalentTo(new[] { "ETag" }));
            Assert.That(Headers("/api/v1/offerings/{id}", "put", "200"), Is.EquivalentTo(new[] { "ETag" }));
            Assert.That(Headers("/api/v1/demand-lists", "post", "201"), Is.EquivalentTo(new[] { "Location", "ETag", "Idempotent-Replayed" }));
            Assert.That(Headers("/api/v1/admin/search/rebuild", "post", "202"), Is.EquivalentTo(new[] { "Location", "Idempotent-Replayed" }));
            Assert.That(Headers("/api/v1/demand-lists", "post", "409"), Is.EquivalentTo(new[] { "Retry-After" }));
            Assert.That(Headers("/api/v1/organizations", "post", "201"), Is.EquivalentTo(new[] { "Location" }));
            Assert.That(Headers("/api/v1/offerings/search", "get", "429"), Is.EquivalentTo(new[] { "Retry-After" }));
            Assert.That(Headers("/api/v1/offerings/search", "get", "401"), Is.EquivalentTo(new[] { "WWW-Authenticate" }));
            Assert.That(Headers("/api/v1/matches/feed", "get", "401"), Is.EquivalentTo(new[] { "WWW-Authenticate" }));
        });
    }

    [Test]
    public void Reads_that_answer_304_declare_it_with_the_etag_and_if_none_match()
    {
        JsonObject Read(string path) => _served["paths"]![path]!["get"]!.AsObject();
        string[] Headers304(string path) => Read(path)["responses"]!["304"]?["headers"]?.AsObject().Select(h => h.Key).ToArray() ?? [];
        string? IfNoneMatch(string path) => Read(path)["parameters"]?.AsArray()
            .FirstOrDefault(p => p!["name"]!.GetValue<string>() == "If-None-Match" && p["in"]!.GetValue<string>() == "header")?["description"]?.GetValue<string>();

        Assert.Multiple(() =>
        {
            foreach (var path in new[] { "/api/v1/webhooks/{id}", "/api/v1/engagements/{id}/rating", "/api/v1/cases/{id}", "/api/v1/demand-lists/{id}" })
            {
                Assert.That(Headers304(path), Is.EquivalentTo(new[] { "ETag" }), path);
                Assert.That(IfNoneMatch(path), Does.Contain("304"), path);
            }
            // Their answers also show what changes without a new ETag (engagements, verified cases, a linked resource's title or text).
            foreach (var path in new[] { "/api/v1/offerings/{id}", "/api/v1/plan-projects/{id}", "/api/v1/engagements/{id}", "/api/v1/diagnoses/{id}", "/api/v1/financing-needs/{id}" })
            {
                Assert.That(Read(path)["responses"]!.AsObject().ContainsKey("304"), Is.False, path);
                Assert.That(IfNoneMatch(path), Is.Null, path);
            }
        });
    }

    [Test]
    public void Every_operation_has_an_id_a_summary_and_its_responses()
    {
        var operations = _served["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(m => Methods.Contains(m.Key)).Select(m => (Path: path.Key, Method: m.Key, Operation: m.Value!.AsObject())))
            .ToArray();

        Assert.That(operations, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (path, method, operation) in operations)
            {
                var name = $"{method.ToUpperInvariant()} {path}";
                Assert.That(operation["operationId"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, name);
                Assert.That(operation["summary"]?.GetValue<string>(), Is.Not.Null.And.Not.Empty, name);
                var responses = operation["responses"]!.AsObject().Select(r => r.Key).ToArray();
                Assert.That(responses.Any(r => r.StartsWith('2')), Is.True, $"{name} has no success response");
                var security = operation["security"]?.AsArray();
                Assert.That(security, Is.Not.Null.And.Not.Empty, $"{name} declares no security");
                Assert.That(responses, Does.Contain("401"), name);
                Assert.That(responses, Does.Contain("429").And.Contain("503"), $"{name}: the rate limit and a busy store apply everywhere");
                foreach (var retried in new[] { "429", "503" })
                {
                    Assert.That(operation["responses"]![retried]!["headers"]?.AsObject().ContainsKey("Retry-After"), Is.True, $"{name} {retried}");
                }
                if (security!.All(s => s!.AsObject().Count > 0))
                {
                    Assert.That(responses, Does.Contain("403"), name);
                }
                if (operation["requestBody"] is not null)
                {
                    Assert.That(responses, Does.Contain("400"), name);
                }
            }
        });
    }

    [Test]
    public void Posts_with_a_key_take_an_optional_idempotency_key_except_those_answering_a_secret()
    {
        var posts = _served["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(m => m.Key == "post").Select(m => (Path: path.Key, Operation: m.Value!.AsObject())))
            .ToArray();
        string[] secrets = ["CreateOrganization", "AddApiKey", "RotateApiKey", "CreateWebhookEndpoint", "RotateWebhookSecret"];

        Assert.That(posts, Has.Length.GreaterThan(20));
        Assert.Multiple(() =>
        {
            foreach (var (path, operation) in posts)
            {
                var id = operation["operationId"]!.GetValue<string>();
                var header = operation["parameters"]?.AsArray().Select(p => p!.AsObject())
                    .SingleOrDefault(p => p["name"]!.GetValue<string>() == "Idempotency-Key" && p["in"]!.GetValue<string>() == "header");
                if (secrets.Contains(id))
                {
                    Assert.That(header, Is.Null, $"{id}: its answer carries a secret, never kept");
                    continue;
                }
                Assert.That(header, Is.Not.Null, $"{id} ({path})");
                Assert.That(header!["required"]?.GetValue<bool>() ?? false, Is.False, id);
                Assert.That(header["description"]!.GetValue<string>(), Does.Contain("Idempotent-Replayed"), id);
                Assert.That(header["schema"]!["maxLength"]!.GetValue<int>(), Is.EqualTo(255), id);
                var responses = operation["responses"]!.AsObject();
                Assert.That(responses.Select(r => r.Key), Does.Contain("400").And.Contain("409").And.Contain("422"), id);
                Assert.That(responses["409"]!["headers"]?.AsObject().ContainsKey("Retry-After"), Is.True, id);
            }
        });
    }

    [Test]
    public void Changes_to_a_resource_with_an_etag_take_if_match_and_every_change_declares_412()
    {
        bool HasETag(JsonNode? operation) => operation?["responses"]!.AsObject()
            .Any(r => r.Key.StartsWith('2') && r.Value!["headers"]?.AsObject().ContainsKey("ETag") == true) ?? false;
        var changes = _served["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Where(m => m.Key is "post" or "put" or "patch" or "delete")
                .Select(m => (Path: path.Key, Item: path.Value!.AsObject(), Operation: m.Value!.AsObject())))
            .ToArray();

        Assert.That(changes, Has.Length.GreaterThan(40));
        Assert.Multiple(() =>
        {
            foreach (var (path, item, operation) in changes)
            {
                var id = operation["operationId"]!.GetValue<string>();
                var responses = operation["responses"]!.AsObject();
                Assert.That(responses.ContainsKey("412"), Is.True, $"{id}: a stale If-Match is refused everywhere");
                // A resource that hands out an ETag (its read does, or the change's answer does), other than one being created.
                if (!responses.ContainsKey("201") && (HasETag(item["get"]) || HasETag(operation)))
                {
                    var ifMatch = operation["parameters"]?.AsArray().Any(p => p!["name"]!.GetValue<string>() == "If-Match" && p["in"]!.GetValue<string>() == "header");
                    Assert.That(ifMatch, Is.True, $"{id} ({path}) changes a resource with an ETag: it takes If-Match");
                }
            }
        });
    }

    [Test]
    public async Task File_downloads_are_binary_and_named_by_content_disposition()
    {
        string[] files = [];
        Assert.Multiple(() =>
        {
            files = _served["paths"]!.AsObject()
                .SelectMany(path => path.Value!.AsObject().Where(m => m.Key == "get").Select(m => (Path: path.Key, Ok: m.Value!["responses"]!["200"]!)))
                .Where(o => o.Ok["content"]?.AsObject().Any(c => c.Key.Contains("csv") || c.Key.Contains("spreadsheet")) == true)
                .Select(o =>
                {
                    foreach (var (mediaType, content) in o.Ok["content"]!.AsObject())
                    {
                        var schema = content!["schema"]!;
                        if (schema["$ref"] is { } reference)
                        {
                            schema = _served["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]!;
                        }
                        Assert.That((schema["type"]?.GetValue<string>(), schema["format"]?.GetValue<string>()), Is.EqualTo(("string", "binary")), $"{o.Path} {mediaType}");
                    }
                    Assert.That(o.Ok["headers"]?["Content-Disposition"], Is.Not.Null, o.Path);
                    return o.Path;
                })
                .ToArray();
        });
        Assert.That(files, Is.SupersetOf(new[] { "/api/v1/offering-imports/template", "/api/v1/exports/{id}/file", "/api/v1/financing-needs/export" }));

        var template = await _app.Client().GetAsync("/api/v1/offering-imports/template?format=xlsx");
        var bytes = await template.Content.ReadAsByteArrayAsync();
        Assert.That(template.Content.Headers.ContentDisposition?.DispositionType, Is.EqualTo("attachment"));
        Assert.That(template.Content.Headers.ContentDisposition?.FileName, Does.Contain("offering-import-template.xlsx"));
        Assert.That(bytes[..2], Is.EqualTo("PK"u8.ToArray()), "an XLSX (a zip), as bytes");
    }
}
