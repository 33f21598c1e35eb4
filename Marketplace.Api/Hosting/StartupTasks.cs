using Marketplace.Core.Organizations;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Options;

namespace Marketplace.Api.Hosting;

/// <summary>
/// Runs before the server accepts requests: applies migrations, makes sure an operator key exists and,
/// when asked, loads the demo catalog. Safe on several nodes (migrations and bootstrap are idempotent).
/// </summary>
public sealed class StartupTasks(
    Migrator migrator,
    OrganizationStore organizations,
    IOptions<MarketplaceOptions> options,
    DemoCatalog demo,
    ILogger<StartupTasks> logger) : IHostedService
{
    public const string GeneratedKeyFile = "operator-api-key.txt";

    public async Task StartAsync(CancellationToken ct)
    {
        await migrator.MigrateAsync(ct);
        var configuredKey = string.IsNullOrWhiteSpace(options.Value.Auth.OperatorKey) ? null : options.Value.Auth.OperatorKey.Trim();
        string? generated;
        try
        {
            generated = await organizations.BootstrapOperatorAsync(configuredKey, ct);
        }
        catch (System.Data.Common.DbException e) when (StorageErrors.IsUniqueViolation(e))
        {
            // Another node bootstrapped at the same moment (unique credit code / key hash); its result stands.
            logger.LogInformation(e, "Operator bootstrap raced with another node; retrying once");
            generated = await organizations.BootstrapOperatorAsync(configuredKey, ct);
        }
        if (generated is not null)
        {
            var path = Path.Combine(options.Value.DataDirectory, GeneratedKeyFile);
            await WriteSecretAsync(path, generated + Environment.NewLine, ct);
            // The key itself never goes to the logs (they are shipped and kept elsewhere); its prefix tells which key it is.
            logger.LogWarning("No Marketplace:Auth:OperatorKey configured: generated the first operator API key {KeyPrefix}… and wrote it to {Path}, readable by this user only.",
                ApiKeys.DisplayPrefix(generated), Path.GetFullPath(path));
        }
        if (options.Value.SeedDemo)
        {
            await demo.SeedIfEmptyAsync(ct);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Writes a file only its owner can read (on Unix; Windows keeps the folder's access rules).</summary>
    private static async Task WriteSecretAsync(string path, string content, CancellationToken ct)
    {
        File.Delete(path); // a file left from an earlier database keeps its mode if overwritten
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using var stream = new FileStream(path, options);
        await using var writer = new StreamWriter(stream);
        await writer.WriteAsync(content.AsMemory(), ct);
    }
}
