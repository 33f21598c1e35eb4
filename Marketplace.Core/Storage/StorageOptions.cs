using System.ComponentModel.DataAnnotations;

namespace Marketplace.Core.Storage;

public enum StorageProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Bound from <c>Marketplace:Storage</c>; the SQL Server connection string comes from <c>ConnectionStrings:Marketplace</c>.</summary>
public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>SQL Server connection string (required when Provider is SqlServer).</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite database file (set from the data directory when not given).</summary>
    public string? SqliteFile { get; set; }

    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 30;
}
