using System.Reflection;
using System.Text.RegularExpressions;
using Marketplace.Core.Storage;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace Marketplace.Tests.Api;

/// <summary>Every T-SQL statement the SQL Server path can run parses with SQL Server's own parser.</summary>
public partial class SqlServerScriptTests
{
    private static readonly SqlServerDialect Dialect = new();

    private static IEnumerable<TestCaseData> Statements()
    {
        foreach (var (version, name, script) in Migrator.Scripts(Dialect))
        {
            var n = 0;
            foreach (var batch in Migrator.Batches(script))
            {
                yield return new TestCaseData(batch).SetName($"migration {version} {name} batch {++n}");
            }
        }
        foreach (var property in typeof(SqlServerDialect).GetProperties().Where(p => p.PropertyType == typeof(string)))
        {
            yield return new TestCaseData((string)property.GetValue(Dialect)!).SetName($"dialect {property.Name}");
        }
        foreach (var assembly in new[] { typeof(Database).Assembly, typeof(Marketplace.Search.Resilience.SearchResilience).Assembly, typeof(Program).Assembly })
        {
            foreach (var type in assembly.GetTypes().Where(t => t.Name.EndsWith("Sql", StringComparison.Ordinal)))
            {
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static).Where(f => f.IsLiteral && f.FieldType == typeof(string)))
                {
                    var sql = (string)field.GetRawConstantValue()!;
                    if (!StatementStart().IsMatch(sql))
                    {
                        continue; // a fragment such as a column list
                    }
                    yield return new TestCaseData(sql).SetName($"{type.Name}.{field.Name}");
                    if (OrderByAtEnd().IsMatch(sql))
                    {
                        yield return new TestCaseData(Dialect.Page(sql)).SetName($"{type.Name}.{field.Name} paged");
                    }
                }
                // Statements built for a dialect from an order (OfferingSql.Page(dialect, ListOrder)): each with each order.
                var orders = type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .Where(f => f.IsLiteral && f.FieldType == typeof(string) && ((string)f.GetRawConstantValue()!).TrimStart().StartsWith("ORDER BY", StringComparison.Ordinal))
                    .ToArray();
                foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
                    .Where(m => m.ReturnType == typeof(string) && m.GetParameters().Select(p => p.ParameterType).SequenceEqual([typeof(SqlDialect), typeof(string)])))
                {
                    foreach (var order in orders)
                    {
                        yield return new TestCaseData((string)method.Invoke(null, [Dialect, order.GetRawConstantValue()])!).SetName($"{type.Name}.{method.Name}({order.Name})");
                    }
                }
            }
        }
    }

    [TestCaseSource(nameof(Statements))]
    public void Parses_as_TSql(string sql)
    {
        // Dapper expands `IN @Ids` into a parenthesized parameter list at run time.
        var expanded = DapperListParameter().Replace(sql, "IN (@$1)");
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);

        parser.Parse(new StringReader(expanded), out var errors);

        Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty, expanded);
    }

    /// <summary>
    /// <c>sp_getapplock</c> reports a lock not granted (timeout, deadlock victim) only in its return code: every call keeps it
    /// and throws when it is negative, so a caller never goes on unlocked.
    /// </summary>
    [Test]
    public void Every_application_lock_checks_that_it_was_granted()
    {
        var locks = Statements().Select(c => (string)c.Arguments[0]!).Where(sql => sql.Contains("sp_getapplock", StringComparison.OrdinalIgnoreCase)).ToArray();
        Assert.That(locks, Has.Length.GreaterThanOrEqualTo(2));
        foreach (var sql in locks)
        {
            var script = (TSqlScript)new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out _);
            var statements = script.Batches.SelectMany(b => b.Statements).ToArray();
            var exec = statements.OfType<ExecuteStatement>().Single();
            var result = exec.ExecuteSpecification.Variable?.Name;
            Assert.That(result, Is.Not.Null, $"the return code is kept: {sql}");
            var check = statements.OfType<IfStatement>().SingleOrDefault();
            Assert.That(check?.ThenStatement, Is.InstanceOf<ThrowStatement>(), $"a negative return code throws: {sql}");
            Assert.That(sql[check!.StartOffset..(check.StartOffset + check.FragmentLength)], Does.Contain($"{result} < 0"));
        }
    }

    [Test]
    public void The_suite_covers_the_storage_code()
    {
        Assert.That(Statements().Count(), Is.GreaterThan(30));
    }

    [GeneratedRegex(@"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|IF|EXEC|MERGE|DECLARE)\b", RegexOptions.IgnoreCase)]
    private static partial Regex StatementStart();

    [GeneratedRegex(@"ORDER BY [^()]*$", RegexOptions.IgnoreCase)]
    private static partial Regex OrderByAtEnd();

    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex DapperListParameter();
}
