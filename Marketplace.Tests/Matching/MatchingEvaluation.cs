using System.Security.Cryptography;
using System.Text;
using Marketplace.Core.Matching;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Eval;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;
using Marketplace.Tests.Api;
using Microsoft.Extensions.Options;

namespace Marketplace.Tests.Matching;

/// <summary>
/// The tuning harness: builds a real <see cref="LuceneOfferingIndex"/> in a temporary folder from a
/// dataset's offerings.jsonl and runs <see cref="DemandMatcher"/> on its demands.jsonl in process, then
/// prints nDCG@10, MRR and recall@10 (the same code as the HTTP tool, tools/Marketplace.Eval).
/// Datasets: ../shared/eval-dev and ../shared/eval-dev-hard next to the repository, or the folders in
/// MARKETPLACE_EVAL_DATA (separated by the path separator). Explicit: run with
/// <c>dotnet test Marketplace.Tests --filter FullyQualifiedName~MatchingEvaluation</c>.
/// </summary>
[TestFixture, Category(TestCategories.Manual), Explicit("Relevance evaluation for tuning; needs the eval datasets.")]
public sealed class MatchingEvaluation
{
    private static readonly string[] DefaultSets = ["eval-dev", "eval-dev-hard"];

    /// <summary>Every dev set, for the engines' conformance over matching.</summary>
    internal static readonly string[] AllDevSets = ["eval-dev", "eval-dev-hard", "eval-dev-need"];

    [Test]
    public async Task Prints_the_metrics_of_every_dataset()
    {
        var folders = DatasetFolders();
        if (folders.Count == 0)
        {
            Assert.Ignore("No evaluation datasets found (../shared/eval-dev or MARKETPLACE_EVAL_DATA).");
        }
        var verbose = Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_VERBOSE") is "1" or "2" or "true";
        var summaries = new List<EvalSummary>();
        foreach (var folder in folders)
        {
            var data = EvalDataset.Load(folder);
            var summary = RelevanceMetrics.Evaluate(data, await RunAsync(data));
            if (verbose)
            {
                foreach (var line in RelevanceMetrics.Describe(data, summary))
                {
                    TestContext.Out.WriteLine(line);
                }
            }
            summaries.Add(summary);
            summaries.AddRange(RelevanceMetrics.ByKind(data, summary));
        }
        foreach (var summary in summaries)
        {
            TestContext.Out.WriteLine(summary.Line);
        }
        Assert.That(summaries.All(s => s.Items > 0), Is.True);
    }

    /// <summary>Indexes the offerings into a temporary Lucene index and matches every demand item; the offering keys per item, best first.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RunAsync(EvalDataset data, EvalMode? mode = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), "marketplace-eval-" + Guid.NewGuid().ToString("N"));
        try
        {
            using var index = new LuceneOfferingIndex(new LuceneIndexOptions { IndexDirectory = folder }, Thesaurus.Default, TaxonomyCatalog.Default);
            await index.EnsureCreatedAsync(CancellationToken.None);
            return await RankAsync(data, index, () => Task.CompletedTask, mode);
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }

    /// <summary>
    /// Writes the offerings to <paramref name="index"/> (created and empty) and matches every demand item, or searches the
    /// catalog with its text (<paramref name="mode"/>; MARKETPLACE_EVAL_MODE when not given); the offering keys per item, best first.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> RankAsync(EvalDataset data, IOfferingIndex index, Func<Task> refresh, EvalMode? mode = null)
    {
        mode ??= Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_MODE") switch
        {
            "search" => EvalMode.Search,
            "search-words" => EvalMode.SearchWords,
            _ => EvalMode.Match,
        };
        var keyOf = data.Offerings.ToDictionary(o => IdOf(o.Key), o => o.Key);
        await index.WriteAsync(data.Offerings.Select(ToDocument).ToArray(), CancellationToken.None);
        await refresh();

        // One day for every run: a deadline written as a date (年底前) in an item without its field reads the same whenever it runs.
        var clock = new MovableClock { Offset = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.FromHours(8)) - TimeProvider.System.GetUtcNow() };
        var matcher = new DemandMatcher(index, DirectionInference.Default, TaxonomyCatalog.Default, Needs.Value, Weights(), clock);
        // As the API learns the items' language from the catalog (its indexer's batches); MARKETPLACE_EVAL_CATALOG=0 turns it off.
        var learn = Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_CATALOG") != "0";
        var language = new CatalogLanguage(matcher, Needs.Value, Options.Create(new MatchingOptions { LearnFromCatalog = learn }), TimeProvider.System);
        await language.OnIndexedAsync(data.Offerings.Select(ToDocument).ToArray(), CancellationToken.None);
        var seed = Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_SEED") is { Length: > 0 } seedFile
            ? File.ReadLines(seedFile).Where(l => l.Length > 0).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
                .Select(e => new LabelledDemand(Guid.NewGuid(), e.GetProperty("text").GetString()!, e.GetProperty("item").GetString(), [])).ToArray()
            : [];
        if (Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_HISTORY") is { Length: > 0 } history)
        {
            language.LearnFromDemands(EngagementsOf(history, except: data.Name).Concat(seed));
        }
        else if (seed.Length > 0)
        {
            language.LearnFromDemands(seed);
        }
        var ranked = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var demand in data.Demands)
        {
            var query = new DemandQuery(demand.Text, demand.Direction, demand.SubDirection, demand.BudgetYuan, demand.WithinDays,
                new EnterpriseProfile(demand.Enterprise.District, demand.Enterprise.Industry, demand.Enterprise.Scale));
            if (mode is not EvalMode.Match)
            {
                var boost = mode is EvalMode.Search ? matcher.ReadSearchQuery(demand.Text).BoostTerms : [];
                var found = await index.SearchAsync(new OfferingSearchRequest { Text = demand.Text, BoostTerms = boost, Limit = RelevanceMetrics.Depth, IncludeFacets = false }, CancellationToken.None);
                ranked[demand.Item] = found.Hits.Select(h => keyOf[h.Id]).ToArray();
                continue;
            }
            var result = await matcher.MatchAsync(query, RelevanceMetrics.Depth, CancellationToken.None);
            ranked[demand.Item] = result.Matches.Select(m => keyOf[m.OfferingId]).ToArray();
            if (Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_VERBOSE") == "2")
            {
                var judged = data.Qrels.GetValueOrDefault(demand.Item) ?? new Dictionary<string, int>();
                TestContext.Out.WriteLine($"== {demand.Item} {result.Need.Summary} ({result.Need.Confidence:0.00}) | inferred: {string.Join("; ", result.InferredDirections.Select(i => $"{i.DirectionCode}/{i.SubDirectionCode} {i.Confidence} [{string.Join(",", i.MatchedTerms)}]"))}");
                foreach (var m in result.Matches.Take(6))
                {
                    TestContext.Out.WriteLine($"   {keyOf[m.OfferingId]}:{judged.GetValueOrDefault(keyOf[m.OfferingId])} {m.Score:0.000} " +
                        string.Join(" | ", m.Reasons.Select(r => $"{r.Kind}{(r.Ok ? "+" : "-")} {r.Detail}")));
                }
            }
        }
        if (Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_PADDING") == "1")
        {
            // What the relevance floor leaves in a top 10: offerings judged unrelated (grade 0 or not judged), and the judged
            // ones a list shows at all.
            var shown = ranked.Values.Sum(r => r.Count);
            var unrelated = ranked.Sum(r => r.Value.Count(key => (data.Qrels.GetValueOrDefault(r.Key)?.GetValueOrDefault(key) ?? 0) == 0));
            var judged = data.Qrels.Sum(q => q.Value.Count(kv => kv.Value > 0));
            var judgedShown = ranked.Sum(r => r.Value.Count(key => (data.Qrels.GetValueOrDefault(r.Key)?.GetValueOrDefault(key) ?? 0) > 0));
            TestContext.Out.WriteLine($"padding {data.Name}: shown {shown}, unrelated shown {unrelated}, judged shown {judgedShown} of {judged}");
        }
        return ranked;
    }

    /// <summary>
    /// MARKETPLACE_EVAL_HISTORY (dataset folders): other sets' demands stand for the pool's history, each engaged on its
    /// grade-3 offerings, to measure what learning from engagements transfers to a set it has not seen (the set being
    /// evaluated is never its own history).
    /// </summary>
    private static IEnumerable<LabelledDemand> EngagementsOf(string folders, string except)
    {
        foreach (var folder in folders.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var past = EvalDataset.Load(folder);
            if (past.Name == except)
            {
                continue;
            }
            var offerings = past.Offerings.ToDictionary(o => o.Key, ToDocument);
            foreach (var demand in past.Demands)
            {
                var engaged = (past.Qrels.GetValueOrDefault(demand.Item) ?? new Dictionary<string, int>()).Where(kv => kv.Value == 3).Select(kv => offerings[kv.Key]).ToArray();
                // The sets' enterprises have three demands each, below the per-owner bound, so each demand stands alone.
                yield return new LabelledDemand(Guid.NewGuid(), demand.Text, null, engaged);
            }
        }
    }

    /// <summary>The need model as the API builds it: on the search engine's word segmentation.</summary>
    private static readonly Lazy<NeedModel> Needs = new(() => NeedModel.Build(TaxonomyCatalog.Default, JiebaWordSegmentation.Default, JiebaWordKnowledge.Default));

    /// <summary>
    /// The default weights, or those changed by MARKETPLACE_EVAL_WEIGHTS ("TextWeight=0.4,FunctionWeight=0.45"), for sweeps.
    /// </summary>
    private static MatchingWeights Weights()
    {
        var weights = MatchingWeights.Default;
        foreach (var pair in (Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_WEIGHTS") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = (pair.Split('=')[0].Trim(), pair.Split('=')[1].Trim());
            var property = typeof(MatchingWeights).GetProperty(name) ?? throw new ArgumentException($"No matching weight '{name}'.");
            weights = weights with { };
            property.SetValue(weights, property.PropertyType == typeof(int) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
                : property.PropertyType == typeof(bool) ? bool.Parse(value)
                : double.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        }
        return weights;
    }

    /// <summary>As OfferingStore.ToDocument builds it: directions expanded from the sub-directions.</summary>
    public static OfferingDocument ToDocument(EvalOffering o)
    {
        var subDirections = o.SubDirections ?? [];
        return new OfferingDocument
        {
            Id = IdOf(o.Key),
            Version = 1,
            Live = true,
            RevisionId = IdOf("rev:" + o.Key),
            Title = o.Title,
            Summary = o.Summary,
            Description = o.Description,
            Keywords = o.Keywords,
            SupplierId = IdOf("supplier:" + o.Supplier.CreditCode),
            SupplierName = o.Supplier.Name,
            Directions = o.Directions
                .Concat(subDirections.Select(s => TaxonomyCatalog.Default.FindSubDirection(s)?.DirectionCode).OfType<string>())
                .Distinct()
                .ToArray(),
            SubDirections = subDirections,
            Type = o.Type,
            Deployment = o.Deployment,
            Districts = o.Districts,
            PriceMinYuan = o.PriceMinYuan,
            PriceMaxYuan = o.PriceMaxYuan,
            ImplementationDays = o.ImplementationDays,
            PublishedAt = DateTimeOffset.UnixEpoch,
        };
    }

    private static Guid IdOf(string key) => new(MD5.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The evaluation dataset folders: MARKETPLACE_EVAL_DATA, else ../shared/eval-dev(-hard) above the test folder; empty when absent.</summary>
    internal static IReadOnlyList<string> DatasetFolders(string[]? sets = null)
    {
        if (sets is null && Environment.GetEnvironmentVariable("MARKETPLACE_EVAL_DATA") is { Length: > 0 } configured)
        {
            return configured.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        }
        return (sets ?? DefaultSets).Select(DatasetFolder).OfType<string>().ToArray();
    }

    /// <summary>
    /// One evaluation set's folder: ../shared/&lt;set&gt; (the shared sets) or tools/Marketplace.Eval/sets/&lt;set&gt; (the
    /// project's own) in the nearest folder above the test binaries that has it; null when absent.
    /// </summary>
    internal static string? DatasetFolder(string set)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", set), Path.Combine(dir.FullName, "tools", "Marketplace.Eval", "sets", set) })
            {
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return null;
    }
}

/// <summary>What the evaluation ranks with.</summary>
public enum EvalMode
{
    /// <summary>Each demand item matched, as a demand list is.</summary>
    Match,

    /// <summary>The demand's text as a catalog search, read as a need as the search API reads it.</summary>
    Search,

    /// <summary>The demand's text as a catalog search of its words only.</summary>
    SearchWords,
}
