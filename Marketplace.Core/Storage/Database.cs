using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Marketplace.Core.Storage;

/// <summary>Opens connections for the configured provider; the one place that knows which engine runs.</summary>
public sealed class Database
{
    private readonly string _connectionString;

    static Database() => DapperTypeHandlers.Register();

    public Database(StorageOptions options)
    {
        Options = options;
        Dialect = options.Provider == StorageProvider.SqlServer ? new SqlServerDialect() : new SqliteDialect();
        _connectionString = options.Provider switch
        {
            StorageProvider.SqlServer => options.ConnectionString
                ?? throw new InvalidOperationException("ConnectionStrings:Marketplace is required for the sqlserver provider."),
            _ => new SqliteConnectionStringBuilder
            {
                DataSource = options.SqliteFile ?? throw new InvalidOperationException("SqliteFile is not set."),
                Mode = SqliteOpenMode.ReadWriteCreate,
                Cache = SqliteCacheMode.Private,
                Pooling = true,
                DefaultTimeout = options.CommandTimeoutSeconds,
            }.ToString(),
        };
    }

    public StorageOptions Options { get; }

    public SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        DbConnection connection = Options.Provider == StorageProvider.SqlServer
            ? new SqlConnection(_connectionString)
            : new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (connection is SqliteConnection)
            {
                await connection.ExecuteAsync(Command("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;", ct: ct));
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a write transaction and commits it (SQLite: BEGIN IMMEDIATE).</summary>
    public async Task<T> InTransactionAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, ct);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(ct);
        return result;
    }

    public Task InTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct) =>
        InTransactionAsync<bool>(async (c, t) => { await work(c, t); return true; }, ct);

    /// <summary>Keys per statement of <see cref="ExecuteInChunksAsync"/>: an IN list stays well under SQL Server's 2,100 parameters.</summary>
    public const int KeysPerStatement = 500;

    /// <summary>
    /// Runs <paramref name="sql"/> once per chunk of at most <see cref="KeysPerStatement"/> keys, with the parameters
    /// <paramref name="parameters"/> makes for each chunk; returns the rows affected in all.
    /// </summary>
    public async Task<int> ExecuteInChunksAsync(string sql, IReadOnlyCollection<long> keys, Func<long[], object> parameters, CancellationToken ct)
    {
        var affected = 0;
        await using var connection = await OpenAsync(ct);
        foreach (var chunk in keys.Chunk(KeysPerStatement))
        {
            affected += await connection.ExecuteAsync(Command(sql, parameters(chunk), ct: ct));
        }
        return affected;
    }

    public CommandDefinition Command(string sql, object? parameters = null, DbTransaction? transaction = null, CancellationToken ct = default) =>
        new(sql, parameters, transaction, Options.CommandTimeoutSeconds, cancellationToken: ct);
}
