using System.Text;
using Marketplace.Bench.Generation;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Searching;

/// <summary>One query of the mix, as an engine request and as the equivalent HTTP path.</summary>
public sealed record BenchQuery(string Kind, OfferingSearchRequest Request, string Path);

/// <summary>
/// The fixed, seeded query mix shared by the engine and HTTP benchmarks: Chinese text of different lengths
/// (acronyms and item names, item + problem, an SME's sentence, a few with no hits) or none, with direction,
/// sub-direction, district, price, days, type and deployment filters, all four sorts but price descending
/// (the endpoint sorts price ascending), a few deeper pages, facets and highlights always on.
/// </summary>
public static class QueryMix
{
    public const string SearchPath = "/api/v1/offerings/search";

    public static IReadOnlyList<BenchQuery> Create(int count, int seed)
    {
        var random = new Random(seed);
        var corpus = new Corpus(TaxonomyCatalog.Default);
        var taxonomy = TaxonomyCatalog.Default;
        var synonyms = taxonomy.Document.Synonyms.SelectMany(s => s).Where(s => s.Length <= 8).ToArray();
        var queries = new List<BenchQuery>(count);
        for (var i = 0; i < count; i++)
        {
            var sub = corpus.WeightedSubDirection(random);
            var roll = random.NextDouble();
            string kind;
            string? text;
            if (roll < 0.12)
            {
                (kind, text) = ("empty", null);
            }
            else if (roll < 0.42)
            {
                kind = "short";
                text = random.Next(3) == 0 ? Corpus.Pick(random, synonyms) : Corpus.PickOr(random, sub.Aliases, sub.Name);
            }
            else if (roll < 0.72)
            {
                kind = "medium";
                text = random.Next(2) == 0
                    ? $"{sub.Name} {Corpus.PickOr(random, sub.Problems, "效率低")}"
                    : $"{Corpus.PickOr(random, sub.Aliases, sub.Name)} {corpus.Industry(random, sub)} {Corpus.PickOr(random, sub.Problems, "成本高")}";
            }
            else if (roll < 0.98)
            {
                kind = "long";
                text = Sentence(random, corpus, sub);
            }
            else
            {
                (kind, text) = ("nohit", Corpus.Pick(random, Corpus.ZeroHitWords));
            }

            var directions = new List<string>();
            string? subDirection = null;
            if (random.NextDouble() < 0.35)
            {
                directions.Add(sub.DirectionCode);
                if (random.NextDouble() < 0.2)
                {
                    directions.Add(Corpus.Pick(random, taxonomy.Directions).Code);
                }
            }
            else if (random.NextDouble() < 0.08)
            {
                subDirection = sub.Code;
            }
            var sortRoll = random.Next(text is null ? 3 : 10);
            var request = new OfferingSearchRequest
            {
                Text = text,
                Directions = directions.Distinct().ToArray(),
                SubDirections = subDirection is null ? [] : [subDirection],
                District = random.NextDouble() < 0.25 ? corpus.District(random) : null,
                MaxPriceYuan = random.NextDouble() < 0.2 ? Corpus.Pick(random, new long[] { 50_000, 100_000, 200_000, 500_000, 1_000_000 }) : null,
                MaxDays = random.NextDouble() < 0.15 ? Corpus.Pick(random, new[] { 15, 30, 60, 90, 180 }) : null,
                Type = random.NextDouble() < 0.1 ? Corpus.Pick(random, OfferingGenerator.Types).Code : null,
                Deployment = random.NextDouble() < 0.1 ? Corpus.Pick(random, OfferingGenerator.Deployments).Code : null,
                Sort = sortRoll == 0 ? SearchSort.Newest : sortRoll == 1 ? SearchSort.PriceAsc : SearchSort.Relevance,
                Limit = 20,
                Offset = random.NextDouble() < 0.1 ? 20 * random.Next(1, 5) : 0,
                IncludeFacets = true,
                Highlight = true,
            };
            queries.Add(new BenchQuery(kind, request, PathOf(request)));
        }
        return queries;
    }

    /// <summary>An SME's own words: who it is, what hurts, what it wants, a budget.</summary>
    public static string Sentence(Random random, Corpus corpus, SubDirection sub)
    {
        var s = new StringBuilder();
        s.Append(random.Next(3) switch
        {
            0 => $"我们是{corpus.District(random)}一家{corpus.Industry(random, sub)}企业，",
            1 => $"公司主要做{corpus.Industry(random, sub)}，",
            _ => "",
        });
        s.Append($"目前{Corpus.PickOr(random, sub.Problems, "效率低")}，{Corpus.PickOr(random, sub.Problems, "成本高")}");
        if (random.Next(2) == 0)
        {
            s.Append($"，{Corpus.PickOr(random, sub.Problems, "人工多")}");
        }
        s.Append(random.Next(3) switch
        {
            0 => $"，想上{Corpus.PickOr(random, sub.Aliases, sub.Name)}",
            1 => $"，希望找到{sub.Name}方面的方案",
            _ => "，有没有便宜好用的办法",
        });
        if (random.Next(2) == 0)
        {
            s.Append($"，预算{random.Next(5, 100)}万元左右");
        }
        return s.Append('。').ToString();
    }

    public static string PathOf(OfferingSearchRequest r)
    {
        var query = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                query.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }
        Add("q", r.Text);
        foreach (var d in r.Directions)
        {
            Add("direction", d);
        }
        foreach (var d in r.SubDirections)
        {
            Add("subDirection", d);
        }
        Add("type", r.Type);
        Add("deployment", r.Deployment);
        Add("district", r.District);
        Add("maxPriceYuan", r.MaxPriceYuan?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("maxDays", r.MaxDays?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add("sort", r.Sort switch { SearchSort.Newest => "newest", SearchSort.PriceAsc => "price", _ => null });
        if (r.Offset > 0)
        {
            Add("page", (r.Offset / r.Limit + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Add("pageSize", r.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return query.Count == 0 ? SearchPath : SearchPath + "?" + string.Join('&', query);
    }
}
