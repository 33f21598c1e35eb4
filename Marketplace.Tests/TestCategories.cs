namespace Marketplace.Tests;

/// <summary>
/// Tests that need something a machine may lack. A plain <c>dotnet test</c> leaves out a category whose prerequisite is
/// missing and prints a line saying how to include it (Marketplace.Tests.csproj, target ExplainTestsNotRun).
/// </summary>
public static class TestCategories
{
    /// <summary>A live SQL Server: MARKETPLACE_TEST_SQLSERVER (a connection string).</summary>
    public const string SqlServer = "SqlServer";

    /// <summary>A live Elasticsearch: MARKETPLACE_TEST_ELASTICSEARCH (a URL).</summary>
    public const string Elasticsearch = "Elasticsearch";

    /// <summary>The shared evaluation sets: ../shared/eval-dev beside the repository, or MARKETPLACE_EVAL_DATA.</summary>
    public const string EvalData = "EvalData";

    /// <summary>Measurements and benchmarks run by hand (also [Explicit]).</summary>
    public const string Manual = "Manual";
}
