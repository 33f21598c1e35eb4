using Dapper;
using Microsoft.Extensions.Logging;

namespace Marketplace.Core.Storage;

/// <summary>Applies the dialect's numbered scripts (Storage/Migrations/{dialect}/NNNN_name.sql) not yet recorded.</summary>
public sealed class Migrator(Database database, TimeProvider clock, ILogger<Migrator> logger)
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Scripts(SqlDialect dialect)
    {
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.Migrations.{dialect.MigrationFolder}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                using var stream = assembly.GetManifestResourceStream(n)!;
                using var reader = new StreamReader(stream);
                return (int.Parse(file[..4], System.Globalization.CultureInfo.InvariantCulture), file, reader.ReadToEnd());
            })
            .OrderBy(s => s.Item1)
            .ToArray();
    }

    /// <summary>SQL Server scripts separate batches with GO lines.</summary>
    public static IEnumerable<string> Batches(string script) =>
        System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(b => b.Trim())
            .Where(b => b.Length > 0);

    public async Task MigrateAsync(CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        if (database.Dialect is SqliteDialect)
        {
            await connection.ExecuteAsync(database.Command("PRAGMA journal_mode = WAL;", ct: ct));
        }
        // Several nodes may start at once: one migrates, the others wait and then find nothing to do.
        // The wait may be long (another node's migration): the lock's own timeout ends it, not the command timeout.
        await connection.ExecuteAsync(new CommandDefinition(database.Dialect.AcquireStartupLock, commandTimeout: 0, cancellationToken: ct));
        try
        {
            await ApplyPendingAsync(connection, ct);
        }
        finally
        {
            await connection.ExecuteAsync(database.Command(database.Dialect.ReleaseStartupLock, ct: CancellationToken.None));
        }
        if (database.Dialect.ReadCommittedSnapshotCheck is { } check
            && await connection.ExecuteScalarAsync<int>(database.Command(check, ct: ct)) == 0)
        {
            logger.LogWarning("READ_COMMITTED_SNAPSHOT is OFF for this database: readers wait for writers, so a large offering import holds " +
                "up catalog reads while it commits. Turn it on (ALTER DATABASE CURRENT SET READ_COMMITTED_SNAPSHOT ON, with no other connection open)");
        }
        if (database.Dialect.DatabaseUtcNow is { } now)
        {
            var skew = clock.GetUtcNow() - new DateTimeOffset(DateTime.SpecifyKind(await connection.ExecuteScalarAsync<DateTime>(database.Command(now, ct: ct)), DateTimeKind.Utc));
            if (skew.Duration() > MaxClockSkew)
            {
                logger.LogWarning("This node's clock is {Skew:0.0} s {Direction} the database server's: leases between nodes (search indexing, re-matching, " +
                    "webhook deliveries, jobs) are judged by each node's own clock, so a node may take over work another still holds. Keep the clocks " +
                    "of every node in sync (NTP)", skew.Duration().TotalSeconds, skew > TimeSpan.Zero ? "ahead of" : "behind");
            }
        }
    }

    /// <summary>
    /// The largest difference between a node's clock and the database server's that goes without a warning at start-up: a
    /// lease lasts 5 s by default (<c>Marketplace:Leases:Duration</c>) and is renewed every third of it, so a node whose clock
    /// runs some 3 s ahead of the holder's sees it expired between renewals.
    /// </summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromSeconds(1);

    private async Task ApplyPendingAsync(System.Data.Common.DbConnection connection, CancellationToken ct)
    {
        await connection.ExecuteAsync(database.Command(database.Dialect.CreateMigrationsTable, ct: ct));
        var applied = (await connection.QueryAsync<int>(database.Command("SELECT version FROM schema_migrations", ct: ct))).ToHashSet();
        foreach (var (version, name, sql) in Scripts(database.Dialect).Where(s => !applied.Contains(s.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            foreach (var batch in Batches(sql))
            {
                await connection.ExecuteAsync(database.Command(batch, transaction: transaction, ct: ct));
            }
            await connection.ExecuteAsync(database.Command(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                new { version, name, at = clock.GetUtcNow() }, transaction, ct));
            await transaction.CommitAsync(ct);
            logger.LogInformation("Applied migration {Version} {Name}", version, name);
        }
    }
}
