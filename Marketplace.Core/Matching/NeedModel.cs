using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;

namespace Marketplace.Core.Matching;

/// <summary>A technology item a text asks for (or an offering provides), with its score and the parts of the text behind it.</summary>
/// <param name="Score">Cosine similarity of the text with the item's profile, 0–1.</param>
/// <param name="Evidence">The fragments of the text (two characters or more, as written) that point to the item, strongest first.</param>
public sealed record ItemReading(string Code, double Score, IReadOnlyList<string> Evidence);

/// <summary>An offering's features (<see cref="NeedModel.FeatureKeys"/>) and the items it provides, to learn the items' language from.</summary>
public sealed record CatalogExample(long[] Keys, IReadOnlyList<(string Code, double Strength)> Items);

/// <summary>
/// Need understanding: which technology items a free text asks for, by the function it describes rather than the words
/// of its industry. Each item of the taxonomy has a profile — a weighted vector of features (<see cref="NeedFeatures"/>:
/// character bigrams and trigrams, Latin words, and each phrase as a whole) — learned from its name (×3), aliases (×2)
/// and problem phrases (×1); a feature weighs more the fewer items share it (inverse item frequency), so industry nouns,
/// which the taxonomy lists under directions and not under items, and the words of many items count little. A text is
/// scored against every profile (cosine). With the search engine's word segmentation, a text's n-grams are taken inside
/// its words (and inside the whole taxonomy phrases it holds), so 搬运的小车 still meets 自动搬运 through 搬运, but pieces
/// that meet across words or counts (道工序 in 最后一道工序) do not. Deterministic and explainable (every score is a sum
/// over features found in the text); with general knowledge of words (<see cref="IWordKnowledge"/>), a word common in any
/// Chinese text (知道、问题) is not shown as evidence.
/// </summary>
public sealed partial class NeedModel
{
    private const double NameWeight = 3;
    private const double AliasWeight = 2;
    private const double ProblemWeight = 1;

    /// <summary>Features that also occur in the enterprise's declared industry describe the context, not the function.</summary>
    internal const double IndustryFeatureWeight = 0.25;

    private readonly string[] _codes;
    private readonly Dictionary<long, (float Idf, (int Item, float Weight)[] Items)> _features;
    private readonly Dictionary<string, int> _words;
    private readonly IWordSegmentation? _segmentation;
    private readonly IWordKnowledge? _knowledge;

    /// <summary>The taxonomy's item names, aliases and problem phrases, folded: where a text holds one whole, its n-grams count across words.</summary>
    private readonly HashSet<string> _phrases;
    private readonly int _longestPhrase;

    private readonly Lazy<Dictionary<(string, string), double>> _similarity;

    /// <summary>Each item's own Latin names and aliases (MES, WMS), folded, that no other item's are: a text holding one names the function.</summary>
    private readonly Dictionary<string, int> _names;

    /// <summary>For each of <see cref="_names"/>, the other names and aliases that hold it (服装mes for mes): held whole, they name their own item.</summary>
    private readonly Dictionary<string, string[]> _longerNames;

    /// <summary>Each item's feature mass before weighting (what <see cref="WithCatalog"/> adds to).</summary>
    private readonly Dictionary<long, double>[] _mass;

    private NeedModel(string[] codes, Dictionary<long, double>[] mass, Dictionary<long, (float, (int, float)[])> features, Dictionary<string, int> words, IWordSegmentation? segmentation, IWordKnowledge? knowledge,
        Dictionary<string, int> names, Dictionary<string, string[]> longerNames)
    {
        _codes = codes;
        _names = names;
        _longerNames = longerNames;
        _mass = mass;
        _features = features;
        _words = words;
        _segmentation = segmentation;
        _knowledge = knowledge;
        // Latin words are features of their own; the other "words" are the taxonomy's phrases.
        _phrases = words.Keys.Where(w => NeedFeatures.IsHan(w[0])).ToHashSet(StringComparer.Ordinal);
        _longestPhrase = _phrases.Count == 0 ? 0 : _phrases.Max(p => p.Length);
        _similarity = new Lazy<Dictionary<(string, string), double>>(() => Similarities(codes, features));
    }

    /// <summary>Cosine similarity of every pair of items at least <see cref="MinSimilarity"/> alike (their profiles are unit vectors).</summary>
    private static Dictionary<(string, string), double> Similarities(string[] codes, Dictionary<long, (float Idf, (int Item, float Weight)[] Items)> features)
    {
        var dot = new double[codes.Length, codes.Length];
        foreach (var (_, (_, items)) in features)
        {
            foreach (var (i, wi) in items)
            {
                foreach (var (j, wj) in items)
                {
                    if (i < j)
                    {
                        dot[i, j] += wi * wj;
                    }
                }
            }
        }
        var similarity = new Dictionary<(string, string), double>();
        for (var i = 0; i < codes.Length; i++)
        {
            for (var j = i + 1; j < codes.Length; j++)
            {
                if (dot[i, j] >= MinSimilarity)
                {
                    similarity[(codes[i], codes[j])] = similarity[(codes[j], codes[i])] = Math.Round(dot[i, j], 4);
                }
            }
        }
        return similarity;
    }

    /// <summary>Items whose profiles are less alike than this do not stand in for each other at all.</summary>
    private const double MinSimilarity = 0.1;

    /// <summary>The model without a word segmentation (each run of Han characters one word), for Core alone.</summary>
    public static NeedModel Default { get; } = Build(TaxonomyCatalog.Default);

    public int ItemCount => _codes.Length;

    /// <summary>
    /// The model of <paramref name="taxonomy"/>. With <paramref name="segmentation"/> (the search engine's), features are
    /// taken inside words only, of the taxonomy's phrases and of the texts read alike.
    /// </summary>
    public static NeedModel Build(TaxonomyCatalog taxonomy, IWordSegmentation? segmentation = null, IWordKnowledge? knowledge = null)
    {
        var codes = taxonomy.Directions.SelectMany(d => d.SubDirections).Select(s => s.Code).ToArray();
        var known = new Dictionary<string, int>(StringComparer.Ordinal);
        int WordId(string word)
        {
            if (!known.TryGetValue(word, out var id))
            {
                known[word] = id = known.Count;
            }
            return id;
        }

        var profiles = new Dictionary<long, double>[codes.Length];
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var allNames = new HashSet<string>(StringComparer.Ordinal);
        var features = new List<NeedFeature>();
        var item = 0;
        foreach (var sub in taxonomy.Directions.SelectMany(d => d.SubDirections))
        {
            var profile = profiles[item] = [];
            void Add(string phrase, double weight)
            {
                features.Clear();
                NeedFeatures.Extract(phrase, WordId, features);
                foreach (var key in features.Select(f => f.Key).Distinct())
                {
                    profile[key] = profile.GetValueOrDefault(key) + weight;
                }
                // The whole phrase is a feature too: held whole by a text, it is stronger evidence than its pieces, and a
                // phrase of everyday characters only (谁做的) has no other feature.
                if (Folded(phrase.Trim()) is { Length: >= 2 } whole && NeedFeatures.IsHan(whole[0]))
                {
                    var key = NeedFeatures.WordKey(WordId(whole));
                    profile[key] = profile.GetValueOrDefault(key) + weight;
                }
            }
            Add(sub.Name, NameWeight);
            foreach (var alias in sub.Aliases)
            {
                Add(alias, AliasWeight);
            }
            // Latin names only (MES, WMS, ERP): a Chinese alias held whole is already a feature of its own, while a Latin word
            // is one feature shared with every item whose offerings mention it. (All names: eval-dev 0.934 → 0.918.)
            allNames.UnionWith(sub.Aliases.Prepend(sub.Name).Select(n => Folded(n.Trim())));
            foreach (var name in sub.Aliases.Prepend(sub.Name).Select(n => Folded(n.Trim())).Where(n => n.Length >= 2 && n.All(char.IsAsciiLetterOrDigit) && n.Any(char.IsAsciiLetter)))
            {
                names[name] = names.TryGetValue(name, out var other) && other != item ? -1 : item;
            }
            foreach (var problem in sub.Problems)
            {
                Add(problem, ProblemWeight);
            }
            item++;
        }
        var latinNames = names.Where(kv => kv.Value >= 0).ToDictionary(StringComparer.Ordinal);
        var longerNames = latinNames.Keys.ToDictionary(n => n,
            n => allNames.Where(a => a.Length > n.Length && a.Contains(n, StringComparison.Ordinal)).ToArray(), StringComparer.Ordinal);
        return FromMass(codes, profiles, known, segmentation, knowledge, latinNames, longerNames);
    }

    private static NeedModel FromMass(string[] codes, Dictionary<long, double>[] mass, Dictionary<string, int> words, IWordSegmentation? segmentation, IWordKnowledge? knowledge,
        Dictionary<string, int> names, Dictionary<string, string[]> longerNames)
    {
        var itemFrequency = new Dictionary<long, int>();
        foreach (var profile in mass)
        {
            foreach (var key in profile.Keys)
            {
                itemFrequency[key] = itemFrequency.GetValueOrDefault(key) + 1;
            }
        }
        var idf = itemFrequency.ToDictionary(kv => kv.Key, kv => Math.Log(1 + (double)codes.Length / kv.Value));
        var postings = new Dictionary<long, List<(int, float)>>();
        for (var i = 0; i < mass.Length; i++)
        {
            var weights = mass[i].ToDictionary(kv => kv.Key, kv => Math.Sqrt(kv.Value) * idf[kv.Key]);
            var norm = Math.Sqrt(weights.Values.Sum(w => w * w));
            foreach (var (key, weight) in weights.OrderBy(kv => kv.Key))
            {
                if (!postings.TryGetValue(key, out var list))
                {
                    postings[key] = list = [];
                }
                list.Add((i, (float)(weight / norm)));
            }
        }
        var features = postings.ToDictionary(kv => kv.Key, kv => ((float)idf[kv.Key], kv.Value.ToArray()));
        return new NeedModel(codes, mass, features, words, segmentation, knowledge, names, longerNames);
    }

    /// <summary>
    /// This model with each item's profile extended by the language of the catalog's offerings that provide it: a feature
    /// gains <paramref name="weight"/> times the share of the item's offerings (by strength, smoothed by
    /// <paramref name="smoothing"/> offerings) whose text holds it.
    /// </summary>
    public NeedModel WithCatalog(IEnumerable<CatalogExample> examples, double weight, double smoothing)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var held = new Dictionary<long, double>[_codes.Length];
        var total = new double[_codes.Length];
        var index = _codes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        foreach (var example in examples)
        {
            foreach (var (code, strength) in example.Items)
            {
                if (!index.TryGetValue(code, out var i) || strength <= 0)
                {
                    continue;
                }
                var counts = held[i] ??= [];
                foreach (var key in example.Keys)
                {
                    counts[key] = counts.GetValueOrDefault(key) + strength;
                }
                total[i] += strength;
            }
        }
        var mass = new Dictionary<long, double>[_codes.Length];
        for (var i = 0; i < _codes.Length; i++)
        {
            mass[i] = new Dictionary<long, double>(_mass[i]);
            foreach (var (key, count) in held[i] ?? [])
            {
                mass[i][key] = mass[i].GetValueOrDefault(key) + (weight * count / (total[i] + smoothing));
            }
        }
        return FromMass(_codes, mass, _words, _segmentation, _knowledge, _names, _longerNames);
    }

    /// <summary>Cosine similarity of two items' profiles (1 for the same item): how much one function stands in for the other.</summary>
    public double Similarity(string a, string b)
    {
        if (a == b)
        {
            return 1;
        }
        return _similarity.Value.TryGetValue((a, b), out var value) ? value : 0;
    }

    /// <summary>The distinct features of a text, as <see cref="Classify"/> reads them (what <see cref="CatalogExample"/> holds).</summary>
    public long[] FeatureKeys(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Features(text).Select(f => f.Key).Distinct().Order().ToArray();
    }

    /// <summary>
    /// The items <paramref name="text"/> asks for, best first (at most <paramref name="max"/>, each at least
    /// <paramref name="minShare"/> of the best). Features of <paramref name="industry"/> count for little.
    /// </summary>
    /// <param name="namedLead">
    /// When above 0, an item the text names by its own Latin name or alias (想上个MES, 想搞个WMS) reads first, by this share
    /// of the best score above it: the catalog's language spreads such a word over every item whose offerings mention it.
    /// </param>
    public IReadOnlyList<ItemReading> Classify(string text, string? industry = null, int max = 5, double minShare = 0.3, double requestWeight = 1, double namedLead = 0)
    {
        var found = Features(text);
        if (found.Count == 0)
        {
            return [];
        }
        HashSet<long>? context = null;
        if (!string.IsNullOrWhiteSpace(industry))
        {
            context = Features(industry).Select(f => f.Key).ToHashSet();
        }

        var emphasis = requestWeight == 1 ? null : ClauseWeights(text, requestWeight);
        var queryWeights = new Dictionary<long, double>();
        foreach (var feature in found)
        {
            if (_features.TryGetValue(feature.Key, out var info))
            {
                var weight = info.Idf * (context?.Contains(feature.Key) == true ? IndustryFeatureWeight : 1)
                    * (emphasis?.Weights[feature.Start] ?? 1);
                if (weight > queryWeights.GetValueOrDefault(feature.Key))
                {
                    queryWeights[feature.Key] = weight;
                }
            }
        }
        if (queryWeights.Count == 0)
        {
            return [];
        }
        var queryNorm = Math.Sqrt(queryWeights.Values.Sum(w => w * w));
        var scores = new double[_codes.Length];
        foreach (var (key, weight) in queryWeights)
        {
            foreach (var (item, itemWeight) in _features[key].Items)
            {
                scores[item] += weight * itemWeight;
            }
        }
        var best = scores.Max();
        if (best <= 0)
        {
            return [];
        }
        if (namedLead > 0)
        {
            foreach (var item in NamedItems(Folded(text), emphasis))
            {
                scores[item] = Math.Max(scores[item], best) + namedLead * best;
            }
            best = scores.Max();
        }
        return Enumerable.Range(0, _codes.Length)
            .Where(i => scores[i] >= minShare * best)
            .OrderByDescending(i => scores[i])
            .ThenBy(i => _codes[i], StringComparer.Ordinal)
            .Take(max)
            .Select(i => new ItemReading(_codes[i], Math.Round(scores[i] / queryNorm, 4), Evidence(text, found, queryWeights, i)))
            .ToArray();
    }

    /// <summary>
    /// The items whose own Latin name or alias the folded text holds whole: not inside a longer Latin word (MES, not MESSAGE),
    /// nor inside a longer name the text also holds.
    /// </summary>
    private HashSet<int> NamedItems(string folded, ClauseEmphasis? emphasis)
    {
        var named = new HashSet<int>();
        foreach (var (name, item) in _names)
        {
            for (var at = folded.IndexOf(name, StringComparison.Ordinal); at >= 0; at = folded.IndexOf(name, at + 1, StringComparison.Ordinal))
            {
                var end = at + name.Length;
                if ((at > 0 && char.IsAsciiLetter(folded[at - 1])) || (end < folded.Length && char.IsAsciiLetter(folded[end]))
                    || emphasis?.Aside[at] == true) // named where the owner turns it down or corrects it
                {
                    continue;
                }
                if (!_longerNames[name].Any(longer => HeldAround(folded, at, name, longer)))
                {
                    named.Add(item);
                }
            }
        }
        return named;

        static bool HeldAround(string folded, int at, string name, string longer)
        {
            var start = at - longer.IndexOf(name, StringComparison.Ordinal);
            return start >= 0 && folded.AsSpan(start).StartsWith(longer, StringComparison.Ordinal);
        }
    }

    private List<NeedFeature> Features(string text)
    {
        var found = new List<NeedFeature>();
        var folded = Folded(text);
        var phrases = PhraseSpans(folded);
        NeedFeatures.Extract(text, w => _words.GetValueOrDefault(w, -1), found, _segmentation?.Words(text), phrases);
        foreach (var phrase in phrases)
        {
            found.Add(new NeedFeature(NeedFeatures.WordKey(_words[folded.Substring(phrase.Start, phrase.Length)]), phrase.Start, phrase.Length));
        }
        found.Sort(NeedFeatures.ByPosition);
        return found;
    }

    /// <summary>Every place where <paramref name="folded"/> holds one of the taxonomy's phrases whole (overlaps included).</summary>
    private List<WordSpan> PhraseSpans(string folded)
    {
        var lookup = _phrases.GetAlternateLookup<ReadOnlySpan<char>>();
        var spans = new List<WordSpan>();
        for (var start = 0; start + 1 < folded.Length; start++)
        {
            if (!NeedFeatures.IsHan(folded[start]))
            {
                continue;
            }
            for (var length = 2; length <= _longestPhrase && start + length <= folded.Length; length++)
            {
                if (lookup.Contains(folded.AsSpan(start, length)))
                {
                    spans.Add(new WordSpan(start, length));
                }
            }
        }
        return spans;
    }

    private static string Folded(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (var i = 0; i < span.Length; i++)
        {
            span[i] = NeedFeatures.Fold(source[i]);
        }
    });

    /// <summary>Per character of a demand, how much its clause weighs and whether it is an aside (turned down or corrected).</summary>
    private sealed record ClauseEmphasis(double[] Weights, bool[] Aside);

    /// <summary>
    /// Per character, how much its clause (between ，。；！？ and line breaks) says about the function asked for:
    /// <paramref name="requestWeight"/> where it states what the owner wants (想、希望、需要、要求、能不能、打算、最好、求), the
    /// function asked for being usually named there; <see cref="DismissedWeight"/> where the owner turns something down or
    /// already has it (AGV我们不要、窑炉不想动、开料封边都有设备了); and where the owner corrects an earlier request (想上个5G？
    /// 其实就是老板想在手机上看产量), the earlier request clauses weigh as plain description. Names in an aside do not lead.
    /// </summary>
    private static ClauseEmphasis ClauseWeights(string text, double requestWeight)
    {
        var weights = new double[text.Length];
        var aside = new bool[text.Length];
        var requests = new List<(int Start, int Length)>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && !Clauses.IsEnd(text[i]))
            {
                continue;
            }
            var clause = text.AsSpan(start, i - start);
            var weight = 1.0;
            if (Dismissal().IsMatch(clause))
            {
                weight = DismissedWeight;
                Array.Fill(aside, true, start, i - start);
            }
            else if (ContainsAny(clause, RequestMarkers))
            {
                if (ContainsAny(clause, CorrectionMarkers))
                {
                    foreach (var (at, length) in requests)
                    {
                        Array.Fill(weights, 1, at, length);
                        Array.Fill(aside, true, at, length);
                    }
                }
                weight = requestWeight;
                requests.Add((start, i - start));
            }
            Array.Fill(weights, weight, start, i - start);
            start = i + 1;
        }
        return new ClauseEmphasis(weights, aside);

        static bool ContainsAny(ReadOnlySpan<char> clause, string[] markers)
        {
            foreach (var marker in markers)
            {
                if (clause.Contains(marker, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>How much a clause the owner turns down or already has weighs.</summary>
    internal const double DismissedWeight = 0.25;

    /// <summary>
    /// A clause that turns something down (不想上、不想动、不考虑、我们不要) or says the equipment or system is there already
    /// (都有设备了、已经有系统了、已经上了); not 不要再/不想再, which say the problem must stop (不想再手写报工), nor what the workers or
    /// customers do not want (年轻人不想干, 不想上夜班, 客户不要), nor 不想要人工… (the manual work is the problem), nor a defect
    /// that is there already (焊缝都有气孔了).
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"不想(?:上(?![夜白]?班)|买|换|动|搞)|不想要(?!人|再)|不用上|不需要上|先不上|不考虑|不打算(?:上|买|换)"
        + @"|(?:我们|咱们|我|厂里|公司)(?:也|就|先|暂时)?不要了?$|(?:都|已经|早就)有(?:了|[^，。；！？]{0,4}(?:设备|系统|软件|机器|平台|产线|生产线|机子)[^，。；！？]{0,2}了)|已经(?:上|买|装)了")]
    private static partial System.Text.RegularExpressions.Regex Dismissal();

    /// <summary>Words with which an owner corrects what they first asked for: 其实就是…, 说白了….</summary>
    private static readonly string[] CorrectionMarkers = ["其实", "说白了", "说穿了", "归根到底"];

    private static readonly string[] RequestMarkers = ["想", "希望", "需要", "要求", "能不能", "打算", "最好", "求", "请"];

    /// <summary>A run of the text is shown as evidence when it weighs at least this share of the strongest run…</summary>
    private const double EvidenceShare = 0.3;

    /// <summary>…and says at least this much in general Chinese (<see cref="IWordKnowledge.Informativeness"/>: 知道 0.2, 客户 0.6).</summary>
    private const double EvidenceInformativeness = 0.5;

    /// <summary>Runs of the text whose features point to <paramref name="item"/>, merged, strongest first (at most three).</summary>
    private IReadOnlyList<string> Evidence(string text, List<NeedFeature> found, Dictionary<long, double> queryWeights, int item)
    {
        var runs = new List<(int Start, int End, double Weight)>();
        foreach (var feature in found)
        {
            if (!queryWeights.TryGetValue(feature.Key, out var weight))
            {
                continue;
            }
            var itemWeight = 0f;
            foreach (var (i, w) in _features[feature.Key].Items)
            {
                if (i == item)
                {
                    itemWeight = w;
                    break;
                }
            }
            if (itemWeight <= 0)
            {
                continue;
            }
            var end = feature.Start + feature.Length;
            if (runs.Count > 0 && feature.Start < runs[^1].End)
            {
                runs[^1] = (runs[^1].Start, Math.Max(end, runs[^1].End), runs[^1].Weight + weight * itemWeight);
            }
            else
            {
                runs.Add((feature.Start, end, weight * itemWeight));
            }
        }
        if (_knowledge is { } knowledge)
        {
            runs.RemoveAll(r => knowledge.Informativeness(Folded(text[r.Start..r.End])) < EvidenceInformativeness);
        }
        var strongest = runs.Count == 0 ? 0 : runs.Max(r => r.Weight);
        return runs
            .Where(r => r.Weight >= EvidenceShare * strongest)
            .OrderByDescending(r => r.Weight)
            .Select(r => text[r.Start..r.End])
            .Distinct(StringComparer.Ordinal)
            .Take(3)
            .ToArray();
    }
}
