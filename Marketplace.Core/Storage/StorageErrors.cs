using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Marketplace.Core.Storage;

/// <summary>Which database errors are a busy or unreachable store (answered 503, retry later) rather than a fault.</summary>
public static class StorageErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>
    /// SQL Server errors that pass when retried: timeouts, deadlock victims, lock timeouts, a database or server that is
    /// starting, failing over or throttling, and lost connections (the numbers Microsoft's own retry logic treats as transient).
    /// </summary>
    private static readonly HashSet<int> SqlServerTransient =
    [
        -2, 20, 53, 64, 121, 233, 1205, 1222, 4060, 4221, 10053, 10054, 10060, 10928, 10929, 10936, 12015,
        40143, 40197, 40501, 40540, 40613, 41301, 41302, 41305, 41325, 41839, 49918, 49919, 49920,
        AppLockNotGranted,
    ];

    /// <summary>Our THROW when <c>sp_getapplock</c> did not grant a lock (timed out or chosen as deadlock victim): retry later.</summary>
    public const int AppLockNotGranted = 51205;

    public static bool IsTransient(Exception exception) => exception switch
    {
        SqliteException s => s.SqliteErrorCode is SqliteBusy or SqliteLocked,
        SqlException s => s.Errors.Cast<SqlError>().Any(e => IsTransientSqlServerError(e.Number)),
        _ => false,
    };

    public static bool IsTransientSqlServerError(int number) => SqlServerTransient.Contains(number);
}
