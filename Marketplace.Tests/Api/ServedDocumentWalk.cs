using System.Text.Json.Nodes;

namespace Marketplace.Tests.Api;

/// <summary>
/// Tests that walk the operations of the served OpenAPI document, calling each as the operator and as every kind of
/// organization: one API and one set of callers per fixture.
/// </summary>
public abstract partial class ServedDocumentWalk
{
    private static readonly string[] Kinds = ["integrator", "enterprise", "district", "assessor", "capability-center"];

    protected MarketplaceApp App { get; private set; } = null!;

    protected JsonNode Document { get; private set; } = null!;

    protected List<(string Kind, HttpClient Client)> Callers { get; } = [];

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        App = new MarketplaceApp();
        Document = JsonNode.Parse(await App.Client().GetStringAsync("/openapi/v1.json"))!;
        Callers.Add(("operator", App.Operator()));
        foreach (var kind in Kinds)
        {
            Callers.Add((kind, (await App.CreateOrganizationAsync(kind, district: "沙坪坝区")).Client));
        }
    }

    [OneTimeTearDown]
    public void Stop()
    {
        App.Dispose();
        MarketplaceApp.DeleteDirectory(App.DataDirectory);
    }

    /// <summary>The path with every parameter replaced by a new id.</summary>
    protected static string WithNewIds(string path) => PathParameter().Replace(path, _ => Guid.NewGuid().ToString());

    [System.Text.RegularExpressions.GeneratedRegex(@"\{[^}]+\}")]
    private static partial System.Text.RegularExpressions.Regex PathParameter();
}
