using System.Text.Json;
using Marketplace.Core.Common;
using Marketplace.Core.Offerings;
using Marketplace.Core.Organizations;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Loads the demo catalog (three integrators, 24 offerings over all eight directions, from the embedded
/// demo-catalog.json) through the real stores — register, create, submit, approve as the bootstrap operator —
/// only when the catalog has no offerings yet. Published offerings reach the index through the outbox.
/// </summary>
public sealed class DemoCatalog(OrganizationStore organizations, OfferingStore offerings, ILogger<DemoCatalog> logger)
{
    public const string ResourceName = "Marketplace.Api.Hosting.demo-catalog.json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record DemoIntegrator(string Key, string Name, string CreditCode17, string District);

    private sealed record DemoOffering(string Integrator, string Type, string Title, string Summary, string Description,
        IReadOnlyList<string> Directions, IReadOnlyList<string> SubDirections, IReadOnlyList<string> Keywords, string Deployment,
        long PriceMinYuan, long PriceMaxYuan, int ImplementationDays, IReadOnlyList<string> Districts, IReadOnlyList<OfferingCaseInput> Cases);

    private sealed record DemoFile(IReadOnlyList<DemoIntegrator> Integrators, IReadOnlyList<DemoOffering> Offerings);

    public async Task SeedIfEmptyAsync(CancellationToken ct)
    {
        var existing = await offerings.CountAsync(new OfferingListFilter(null, null, LiveOnly: false), ct);
        if (existing > 0)
        {
            logger.LogInformation("Demo catalog not loaded: the catalog already has {Count} offerings", existing);
            return;
        }
        var operatorOrg = (await organizations.ListAsync(OrganizationKind.Operator.ToCode(), 1, 1, ct)).Items.FirstOrDefault()
            ?? throw new InvalidOperationException("The demo catalog needs the bootstrap operator.");
        var reviewer = new Actor(operatorOrg.Id, OrganizationKind.Operator);
        var demo = Load();

        var registered = (await organizations.ListAsync(OrganizationKind.Integrator.ToCode(), 1, Paging.MaxPageSize, ct)).Items;
        var integrators = new Dictionary<string, Actor>(StringComparer.Ordinal);
        foreach (var integrator in demo.Integrators)
        {
            var creditCode = CreditCode.Complete(integrator.CreditCode17);
            var id = registered.FirstOrDefault(o => o.CreditCode == creditCode)?.Id
                ?? (await organizations.CreateAsync(new NewOrganization(OrganizationKind.Integrator.ToCode(), integrator.Name, creditCode, integrator.District,
                    null, null, DiscloseName: true), ct)).Organization.Id;
            integrators[integrator.Key] = new Actor(id, OrganizationKind.Integrator);
        }
        foreach (var o in demo.Offerings)
        {
            var owner = integrators[o.Integrator];
            var input = new OfferingInput(o.Type, o.Title, o.Summary, o.Description, o.Directions, o.SubDirections, o.Keywords, o.Deployment,
                o.PriceMinYuan, o.PriceMaxYuan, o.ImplementationDays, o.Districts, o.Cases);
            var created = await offerings.CreateAsync(owner, input, ct);
            await offerings.SubmitAsync(owner, created.Id, null, ct);
            await offerings.ApproveAsync(reviewer, created.Id, null, ct);
        }
        logger.LogInformation("Demo catalog loaded: {Integrators} integrators, {Offerings} published offerings", demo.Integrators.Count, demo.Offerings.Count);
    }

    private static DemoFile Load()
    {
        using var stream = typeof(DemoCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Embedded resource {ResourceName} is missing.");
        return JsonSerializer.Deserialize<DemoFile>(stream, Json) ?? throw new InvalidOperationException("The demo catalog is empty.");
    }
}
