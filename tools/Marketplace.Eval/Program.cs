using Marketplace.Eval;

// Relevance evaluation through a running API:
//   dotnet run --project tools/Marketplace.Eval -- --api http://localhost:5000 --operator-key K --data ../shared/eval-dev [--verbose]
// --data may be given several times; each dataset is loaded and scored on its own.

var options = EvalOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: Marketplace.Eval --api URL --operator-key KEY --data FOLDER [--data FOLDER ...] [--verbose] [--timeout SECONDS]");
    return 2;
}
using var http = new HttpClient { BaseAddress = new Uri(options.Api), Timeout = TimeSpan.FromSeconds(100) };
var loader = new ApiLoader(http, options.OperatorKey, Console.Error) { SearchableTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
var summaries = new List<EvalSummary>();
foreach (var folder in options.Data)
{
    var data = EvalDataset.Load(folder);
    Console.Error.WriteLine($"Loading {data.Name}: {data.Offerings.Count} offerings, {data.Demands.Count} demand items …");
    var ranked = await loader.RunAsync(data, CancellationToken.None);
    var summary = RelevanceMetrics.Evaluate(data, ranked);
    if (options.Verbose)
    {
        foreach (var line in RelevanceMetrics.Describe(data, summary))
        {
            Console.WriteLine(line);
        }
    }
    summaries.Add(summary);
    summaries.AddRange(RelevanceMetrics.ByKind(data, summary));
}
foreach (var summary in summaries)
{
    Console.WriteLine(summary.Line);
}
return 0;

internal sealed record EvalOptions(string Api, string OperatorKey, IReadOnlyList<string> Data, bool Verbose, int TimeoutSeconds)
{
    public static EvalOptions? Parse(string[] args)
    {
        string? api = null, key = Environment.GetEnvironmentVariable("MARKETPLACE_OPERATOR_KEY");
        var data = new List<string>();
        var verbose = false;
        var timeout = 60;
        for (var i = 0; i < args.Length; i++)
        {
            string? Next() => i + 1 < args.Length ? args[++i] : null;
            switch (args[i])
            {
                case "--api": api = Next(); break;
                case "--operator-key": key = Next(); break;
                case "--data": if (Next() is { } d) { data.Add(d); } break;
                case "--verbose" or "-v": verbose = true; break;
                case "--timeout": timeout = int.TryParse(Next(), out var t) ? t : timeout; break;
                default: return null;
            }
        }
        return api is null || key is null || data.Count == 0 ? null : new EvalOptions(api, key, data, verbose, timeout);
    }
}
