using System.Text.Json;
using Dapper;
using Marketplace.Core.Bulk;
using Marketplace.Core.Demands;
using Marketplace.Core.Idempotency;
using Marketplace.Core.Jobs;
using Marketplace.Core.Leasing;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Storage;
using Marketplace.Core.Taxonomy;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Marketplace.Tests.Api;

/// <summary>
/// The SQL Server schema as its migrations leave it, read with SQL Server's own parser: the same tables and columns as the
/// SQLite schema, and wide enough for what the code writes. SQL Server refuses text longer than its column (a truncation error, the whole transaction rolled back) where SQLite stores
/// it: the widths of the SQL Server schema, as its migrations leave it, against what the code writes into the columns whose
/// text the code composes or bounds itself (user-typed text is checked against its column by each request's validation).
/// </summary>
public class SqlServerSchemaTests
{
    /// <summary>
    /// Each (table, column) after every migration with its width: <see cref="int.MaxValue"/> for MAX, <see cref="NotText"/>
    /// for a column of another type.
    /// </summary>
    private static readonly Lazy<Dictionary<(string Table, string Column), int>> Widths = new(ReadWidths);

    private const int NotText = -1;

    private static IEnumerable<TestCaseData> Columns()
    {
        var subDirections = TaxonomyCatalog.Default.SubDirections.Select(s => s.Code).ToArray();
        TestCaseData Case(string table, string column, int longest, string what) =>
            new TestCaseData(table, column, longest).SetName($"{table}.{column} holds {what} ({longest})");

        yield return Case("cases", "sub_directions", $",{string.Join(',', subDirections)},".Length, "every technology item, as a case stores them");
        yield return Case("plan_projects", "sub_directions", JsonSerializer.Serialize(subDirections).Length, "every technology item, as a plan project stores them");
        yield return Case("demand_lists", "title", DemandStore.TitleMax, "a list title, also one composed from a diagnosis");
        yield return Case("bulk_row_errors", "message", BulkJobStore.ErrorMessageMax, "a row error as stored");
        yield return Case("jobs", "error", JobSql.ErrorMaxLength, "a job's error as stored");
        yield return Case("search_outbox", "last_error", SearchOutboxSql.ErrorMaxLength, "an outbox error as stored");
        yield return Case("rematch_queue", "last_error", RematchSql.ErrorMaxLength, "a re-match error as stored");
        yield return Case("idempotency_keys", "idempotency_key", IdempotencyStore.KeyMax, "an Idempotency-Key");
        foreach (var (table, column) in new[] { ("lease_holders", "holder_id"), ("search_outbox", "claimed_by"), ("rematch_queue", "claimed_by"),
                     ("webhook_deliveries", "claimed_by"), ("idempotency_keys", "holder_id") })
        {
            yield return Case(table, column, LeaseHolder.MaxIdLength, "a lease holder's id");
        }
    }

    [TestCaseSource(nameof(Columns))]
    public void Holds_what_the_code_writes(string table, string column, int longest)
    {
        Assert.That(Widths.Value.TryGetValue((table, column), out var width), Is.True, $"{table}.{column} is in the SQL Server schema");
        Assert.That(width, Is.GreaterThanOrEqualTo(longest));
    }

    /// <summary>
    /// The SQL Server schema has every table and column the SQLite migrations make, and no other: a column added on one
    /// side only (a new feature's migration written for one dialect) fails here, not in production on the other.
    /// </summary>
    [Test]
    public async Task Has_the_tables_and_columns_of_the_sqlite_schema()
    {
        var file = Path.Combine(Path.GetTempPath(), "marketplace-tests", $"schema-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            var db = new Database(new StorageOptions { Provider = StorageProvider.Sqlite, SqliteFile = file });
            await new Migrator(db, TimeProvider.System, NullLogger<Migrator>.Instance).MigrateAsync(CancellationToken.None);
            var sqlite = new HashSet<(string Table, string Column)>();
            await using (var c = await db.OpenAsync(CancellationToken.None))
            {
                var tables = await c.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'");
                foreach (var table in tables)
                {
                    sqlite.UnionWith((await c.QueryAsync<string>("SELECT name FROM pragma_table_info(@table)", new { table })).Select(column => (table, column)));
                }
            }
            var sqlServer = Widths.Value.Keys.ToHashSet();

            Assert.That(sqlite, Has.Count.GreaterThan(100), "the SQLite schema was read");
            Assert.That(sqlite.Except(sqlServer).Select(k => $"{k.Table}.{k.Column}"), Is.Empty, "on SQLite only");
            Assert.That(sqlServer.Except(sqlite).Select(k => $"{k.Table}.{k.Column}"), Is.Empty, "on SQL Server only");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private static Dictionary<(string Table, string Column), int> ReadWidths()
    {
        var widths = new Dictionary<(string Table, string Column), int>();
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        foreach (var (_, _, script) in Migrator.Scripts(new SqlServerDialect()))
        {
            foreach (var batch in Migrator.Batches(script))
            {
                parser.Parse(new StringReader(batch), out _).Accept(new ColumnWidthReader(widths));
            }
        }
        return widths;
    }

    private sealed class ColumnWidthReader(Dictionary<(string Table, string Column), int> widths) : TSqlFragmentVisitor
    {
        public override void Visit(CreateTableStatement node) => Add(node.SchemaObjectName, node.Definition.ColumnDefinitions);

        public override void Visit(AlterTableAddTableElementStatement node) => Add(node.SchemaObjectName, node.Definition.ColumnDefinitions);

        public override void Visit(AlterTableAlterColumnStatement node) => Set(node.SchemaObjectName, node.ColumnIdentifier.Value, node.DataType);

        private void Add(SchemaObjectName table, IEnumerable<ColumnDefinition> columns)
        {
            foreach (var column in columns)
            {
                Set(table, column.ColumnIdentifier.Value, column.DataType);
            }
        }

        private void Set(SchemaObjectName table, string column, DataTypeReference? type) =>
            widths[(table.BaseIdentifier.Value, column)] = type switch
            {
                SqlDataTypeReference { SqlDataTypeOption: SqlDataTypeOption.NVarChar or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar or SqlDataTypeOption.Char } text =>
                    text.Parameters.FirstOrDefault() switch
                    {
                        null => 1,
                        MaxLiteral => int.MaxValue,
                        var length => int.Parse(length.Value),
                    },
                _ => NotText,
            };
    }
}
