using Dapper;
using Marketplace.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Marketplace.Api.Hosting;

public sealed class StorageHealthCheck(Database database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var connection = await database.OpenAsync(ct);
            await connection.ExecuteScalarAsync<int>(database.Command("SELECT 1", ct: ct));
            return HealthCheckResult.Healthy($"{database.Dialect.Provider} reachable");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{database.Dialect.Provider} unreachable", e);
        }
    }
}
