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
                if (operation["security"] is not null)
                {
                    Assert.That(responses, Does.Contain("401").And.Contain("403"), name);
                }
                if (operation["requestBody"] is not null)
                {
                    Assert.That(responses, Does.Contain("400"), name);
                }
            }
        });
    }
}
