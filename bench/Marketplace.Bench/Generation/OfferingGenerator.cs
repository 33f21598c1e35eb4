using System.Text;
using Marketplace.Core.Offerings;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Bench.Generation;

/// <summary>
/// Realistic synthetic offerings: the first 100 cover every technology item once (so every direction
/// and item is present), the rest follow a skewed item popularity; titles, summaries and descriptions
/// combine the item's name and aliases, the problems it solves, effects, industries and districts.
/// Offering <c>n</c> of seed <c>s</c> is always the same, whatever the parallelism.
/// </summary>
public sealed class OfferingGenerator(Corpus corpus, int seed)
{
    public static readonly (string Code, int Weight)[] Types = [("solution", 60), ("component", 25), ("tool", 15)];

    public static readonly (string Code, int Weight)[] Deployments = [("saas", 35), ("on-premise", 30), ("hybrid", 20), ("hardware", 15)];

    public OfferingInput Create(int n, out int ageDays)
    {
        var random = new Random(unchecked(seed * 1_000_003 + n));
        var primary = n < corpus.SubDirections.Count ? corpus.SubDirections[n] : corpus.WeightedSubDirection(random);
        var subs = new List<SubDirection> { primary };
        var roll = random.NextDouble();
        if (roll < 0.30)
        {
            var sibling = Corpus.Pick(random, corpus.DirectionOf(primary).SubDirections);
            if (sibling.Code != primary.Code)
            {
                subs.Add(sibling);
            }
        }
        else if (roll < 0.40)
        {
            subs.Add(corpus.WeightedSubDirection(random)); // a cross-direction offering (e.g. energy management for food plants)
        }
        var directions = subs.Select(s => s.DirectionCode).Distinct().ToList();
        if (random.NextDouble() < 0.05 && directions.Count < 3)
        {
            var extra = Corpus.Pick(random, corpus.Taxonomy.Directions).Code;
            if (!directions.Contains(extra))
            {
                directions.Add(extra); // a direction without a technology item
            }
        }

        var type = Weighted(random, Types);
        var deployment = Weighted(random, Deployments);
        var industry = corpus.Industry(random, primary);
        var alias = Corpus.PickOr(random, primary.Aliases, primary.Name);
        var alias2 = Corpus.PickOr(random, primary.Aliases, primary.Name);
        var problem = Corpus.PickOr(random, primary.Problems, "效率低");
        var problem2 = Corpus.PickOr(random, primary.Problems, "成本高");
        var effect = Corpus.Effect(random);
        var small = random.NextDouble() < 0.3 ? Corpus.Pick(random, Corpus.SmallFastLight) : null;

        var title = random.Next(5) switch
        {
            0 => $"{alias}{primary.Name}{Corpus.Pick(random, Corpus.TitleTails)}",
            1 => $"面向{industry}企业的{primary.Name}{Corpus.Pick(random, Corpus.TitleTails)}",
            2 => $"{(small ?? "智能")}{alias}{Corpus.Pick(random, Corpus.TitleTails)}",
            3 => $"{primary.Name}（{alias}）{Corpus.Pick(random, Corpus.TitleTails)}",
            _ => $"{industry}{alias}与{alias2}{Corpus.Pick(random, Corpus.TitleTails)}",
        };
        var summary = $"针对{industry}企业{problem}、{problem2}等问题，提供{alias}、{alias2}等{primary.Name}能力，{effect}。" + (small is null ? "" : $"{small}，适合中小企业。");

        var description = new StringBuilder();
        description.Append($"很多{industry}企业面临{problem}、{problem2}");
        if (primary.Problems.Count > 2)
        {
            description.Append($"以及{Corpus.Pick(random, primary.Problems)}");
        }
        description.Append($"等问题。本方案围绕{primary.Name}，");
        var aliases = primary.Aliases.OrderBy(_ => random.Next()).Take(random.Next(2, 5)).ToArray();
        description.Append($"涵盖{string.Join("、", aliases)}，");
        description.Append(Corpus.Pick(random, Corpus.Approaches)).Append('，').Append(Corpus.Pick(random, Corpus.Approaches)).Append("。");
        foreach (var other in subs.Skip(1))
        {
            description.Append($"同时可提供{other.Name}（{Corpus.PickOr(random, other.Aliases, other.Name)}）配套服务，解决{Corpus.PickOr(random, other.Problems, "管理粗放")}问题。");
        }
        description.Append($"实施后{effect}，{Corpus.Effect(random)}。");
        if (small is not null)
        {
            description.Append($"方案{small}，{Corpus.Pick(random, Corpus.SmallFastLight)}，投入少、见效快。");
        }
        var paragraphs = random.Next(0, 3);
        for (var p = 0; p < paragraphs; p++)
        {
            var sub = Corpus.Pick(random, subs);
            description.Append($"在{corpus.District(random)}等地的{Corpus.Pick(random, Corpus.CustomerWords)}企业已落地，帮助客户解决{Corpus.PickOr(random, sub.Problems, "效率低")}，{Corpus.Effect(random)}。");
        }

        var keywords = new[] { primary.Name }.Concat(primary.Aliases.OrderBy(_ => random.Next()).Take(random.Next(2, 7)))
            .Concat(subs.Skip(1).Select(s => s.Name))
            .Where(k => k.Length <= OfferingValidation.KeywordLengthMax)
            .Distinct()
            .Take(OfferingValidation.KeywordsMax)
            .ToArray();

        var (priceMin, priceMax) = Price(random, type, deployment);
        var days = Days(random, type, deployment);
        string[] districts = random.NextDouble() < 0.3
            ? [TaxonomyCatalog.WholeCityName]
            : Enumerable.Range(0, random.Next(1, 5)).Select(_ => corpus.District(random)).Distinct().ToArray();
        // Published over the last three years, more of them recently; cases are no later than that.
        ageDays = (int)(1_095 * Math.Pow(random.NextDouble(), 1.7));
        var lastCaseYear = DateTimeOffset.UtcNow.AddDays(-ageDays).Year;
        var cases = Enumerable.Range(0, random.Next(0, 4))
            .Select(_ => new OfferingCaseInput(corpus.CustomerName(random), corpus.District(random), random.Next(2019, lastCaseYear + 1), Corpus.Effect(random)))
            .ToArray();
        return new OfferingInput(type, Truncate(title, OfferingValidation.TitleMax), Truncate(summary, OfferingValidation.SummaryMax),
            Truncate(description.ToString(), OfferingValidation.DescriptionMax), directions, subs.Select(s => s.Code).Distinct().ToArray(), keywords,
            deployment, priceMin, priceMax, days, districts, cases);
    }

    /// <summary>Log-uniform minimum price from 5,000 yuan to 3 million (SaaS cheaper, hardware dearer); 5% free to try.</summary>
    private static (long Min, long Max) Price(Random random, string type, string deployment)
    {
        if (random.NextDouble() < 0.05)
        {
            return (0, random.Next(1, 20) * 10_000L);
        }
        var factor = deployment switch { "saas" => 0.3, "hardware" => 1.5, _ => 1.0 } * (type == "tool" ? 0.5 : 1.0);
        var min = Math.Exp(Math.Log(5_000) + random.NextDouble() * (Math.Log(3_000_000) - Math.Log(5_000))) * factor;
        var rounded = Math.Max(1_000, (long)Math.Round(min / 1_000) * 1_000);
        var max = (long)Math.Round(rounded * (1.2 + random.NextDouble() * 3.8) / 1_000) * 1_000;
        return (rounded, max);
    }

    private static int Days(Random random, string type, string deployment)
    {
        var (low, high) = (type, deployment) switch
        {
            (_, "saas") => (1, 30),
            ("tool", _) => (3, 60),
            ("component", _) => (7, 120),
            _ => (20, 365),
        };
        return low + (int)((high - low) * Math.Pow(random.NextDouble(), 1.5));
    }

    private static string Weighted(Random random, (string Code, int Weight)[] choices)
    {
        var x = random.Next(choices.Sum(c => c.Weight));
        foreach (var (code, weight) in choices)
        {
            x -= weight;
            if (x < 0)
            {
                return code;
            }
        }
        return choices[^1].Code;
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
