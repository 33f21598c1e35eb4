namespace Marketplace.Api.Hosting;

/// <summary>Loads a demo catalog covering all eight directions (filled in with the search work).</summary>
public sealed class DemoCatalog(ILogger<DemoCatalog> logger)
{
    public Task SeedIfEmptyAsync(CancellationToken ct)
    {
        logger.LogInformation("Demo catalog requested");
        return Task.CompletedTask;
    }
}
