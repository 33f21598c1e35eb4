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

    private const int SqliteConstraint = 19;
    private const int SqliteConstraintUnique = 2067;
    private const int SqliteConstraintPrimaryKey = 1555;

    /// <summary>
    /// A write that a unique index refused: the loser of a race the store's own check could not see (two nodes, or SQL
    /// Server's concurrent writers), answered 409 like the check's own refusal.
    /// </summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        SqliteException s => s.SqliteErrorCode == SqliteConstraint && s.SqliteExtendedErrorCode is SqliteConstraintUnique or SqliteConstraintPrimaryKey,
        SqlException s => s.Errors.Cast<SqlError>().Any(e => e.Number is 2627 or 2601),
        _ => false,
    };

    private const int SqliteFull = 13;

    /// <summary>
    /// The database has no room for the write (SQLite: the disk is full; SQL Server: a filegroup or the transaction log is
    /// full, errors 1105 and 9002): nothing was written, and retrying helps only once an operator has made room.
    /// </summary>
    public static bool IsOutOfSpace(Exception exception) => exception switch
    {
        SqliteException s => s.SqliteErrorCode == SqliteFull,
        SqlException s => s.Errors.Cast<SqlError>().Any(e => e.Number is 1105 or 9002),
        _ => false,
    };

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// The database's own file is damaged (SQLite: malformed, or not a database; SQL Server: a page failed its consistency
    /// check, error 824): no retry helps, only a restore.
    /// </summary>
    public static bool IsDamaged(Exception exception) => exception switch
    {
        SqliteException s => s.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase,
        SqlException s => s.Errors.Cast<SqlError>().Any(e => e.Number == 824),
        _ => exception.InnerException is { } inner && IsDamaged(inner),
    };
}
