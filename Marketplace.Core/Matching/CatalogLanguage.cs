using System.Diagnostics;
using Marketplace.Core.Common;
using Marketplace.Core.Searching;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Matching;

/// <summary>
/// Learns the technology items' everyday language from the catalog: integrators describe what their offerings do in
/// words the taxonomy lacks, and each offering is labelled by the items it declares (or, declaring none, is clearly read as).
/// Those texts extend the items' profiles in the model demands are read with (<see cref="NeedModel.WithCatalog"/>,
/// <see cref="DemandMatcher.DemandNeeds"/>); offerings themselves are still read with the taxonomy's model alone. Owners'
/// words are learnt the same way from labelled demands (<see cref="LearnFromDemands"/>): the technology item the owner
/// stated, the offering an integrator accepted an engagement for, the item an assessor's finding names — the pool's own
/// labelled data, growing with its use.
/// <para>
/// Which offerings teach: per item, the <see cref="ExamplesPerItem"/> offerings providing it with the lowest hash of
/// their id. The sample is bounded whatever the catalog's size, and the same on every node whatever order it reads the
/// catalog in, so nodes that have seen the same catalog read demands alike. The indexer's batches update it as offerings
/// are published (<see cref="OnIndexedAsync"/>); a retired offering leaves a gap that the next full pass
/// (<see cref="RefreshAsync"/>) fills.
/// </para>
/// </summary>
public sealed class CatalogLanguage(DemandMatcher matcher, NeedModel taxonomyNeeds, IOptions<MatchingOptions> options, TimeProvider clock) : IOfferingIndexObserver
{
    public const int ExamplesPerItem = 64;

    /// <summary>
    /// One enterprise teaches an item at most this many demands, so that no organization can fill an item's sample with its
    /// own words (or flood it on purpose with lists that state an item).
    /// </summary>
    public const int DemandsPerOwnerAndItem = 4;

    /// <summary>
    /// A slow rebuild runs at most once per this many times the last one took: a busy indexer does not rebuild per batch
    /// (at 100,000 offerings a rebuild takes about 0.1 s and makes a model's worth of garbage, so at most one every 5 s).
    /// </summary>
    private const int RebuildSpacing = 50;

    /// <summary>A rebuild that last took at most this long runs at once, on the indexer's thread; a longer one in the background…</summary>
    private static readonly TimeSpan InlineRebuildLimit = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// …except that a model of at most this many examples is always rebuilt at once: a small catalog's costs little, and on a
    /// loaded machine (where even a small rebuild can take longer) demands must still read what was just published rather
    /// than wait out the spacing, so that the same catalog is read the same way however busy the node is.
    /// </summary>
    public const int InlineRebuildExamples = 1_000;

    /// <summary>Whether the rebuild after an indexed batch runs at once (else in the background, spaced by <see cref="RebuildSpacing"/>).</summary>
    public static bool RebuildsAtOnce(int examples, TimeSpan lastRebuildCost) =>
        examples <= InlineRebuildExamples || lastRebuildCost <= InlineRebuildLimit;

    private readonly Lock _gate = new();
    private Sample _sample = new();

    /// <summary>Documents seen while a full pass reads the catalog: replayed into its sample, which did not see them.</summary>
    private List<OfferingDocument>? _seenDuringRefresh;

    private long _lastRebuild = long.MinValue / 2;

    /// <summary>Snapshots taken for rebuilds, and the newest one published: see <see cref="Rebuild"/>.</summary>
    private long _snapshots;
    private long _published;
    private TimeSpan _lastRebuildCost;
    private bool _rebuildScheduled;

    /// <summary>Labelled demands that teach the model (<see cref="LearnFromDemands"/>), as of the last call.</summary>
    private CatalogExample[] _demands = [];

    /// <summary>How many offerings teach the current model.</summary>
    public int Examples { get; private set; }

    /// <summary>How many labelled demands teach the current model.</summary>
    public int LabelledDemands { get; private set; }

    /// <summary>How long building the current model took.</summary>
    public TimeSpan LastRebuildCost => _lastRebuildCost;

    public Task OnIndexedAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (!options.Value.LearnFromCatalog)
        {
            return Task.CompletedTask;
        }
        var changed = false;
        lock (_gate)
        {
            foreach (var document in documents)
            {
                changed |= Observe(_sample, document);
            }
            _seenDuringRefresh?.AddRange(documents);
        }
        if (changed)
        {
            RebuildSoon();
        }
        return Task.CompletedTask;
    }

    /// <summary>Reads the whole live catalog into a new sample and rebuilds the model from it.</summary>
    public async Task RefreshAsync(IAsyncEnumerable<IReadOnlyList<OfferingDocument>> liveBatches, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(liveBatches);
        if (!options.Value.LearnFromCatalog)
        {
            return;
        }
        var sample = new Sample();
        lock (_gate)
        {
            _seenDuringRefresh = [];
        }
        try
        {
            await foreach (var batch in liveBatches.WithCancellation(ct))
            {
                foreach (var document in batch)
                {
                    _ = Observe(sample, document);
                }
            }
            lock (_gate)
            {
                foreach (var document in _seenDuringRefresh!)
                {
                    _ = Observe(sample, document);
                }
                _sample = sample;
            }
        }
        finally
        {
            lock (_gate)
            {
                _seenDuringRefresh = null;
            }
        }
        Rebuild();
    }

    /// <summary>Builds the demand model from the current sample and hands it to the matcher.</summary>
    public void Rebuild()
    {
        var started = Stopwatch.GetTimestamp();
        CatalogExample[] offerings, demands;
        long snapshot;
        lock (_gate)
        {
            offerings = _sample.Examples();
            demands = _demands;
            snapshot = ++_snapshots;
            _rebuildScheduled = false;
        }
        var weights = matcher.Weights;
        var model = offerings.Length + demands.Length == 0 ? taxonomyNeeds
            : taxonomyNeeds.WithCatalog([.. offerings, .. demands], weights.CatalogWeight, weights.CatalogSmoothing);
        lock (_gate)
        {
            // Rebuilds can overlap (the indexer's, a catalog pass's): a slower one from an older snapshot must not win.
            if (snapshot < _published)
            {
                return;
            }
            _published = snapshot;
            matcher.DemandNeeds = model;
            Examples = offerings.Length;
            LabelledDemands = demands.Length;
        }
        _lastRebuildCost = Stopwatch.GetElapsedTime(started);
        Volatile.Write(ref _lastRebuild, clock.GetTimestamp());
    }

    /// <summary>
    /// A quick rebuild (a small catalog: little work, little garbage) runs at once on the indexer's thread, so demands read
    /// what the batch taught as soon as it is searchable (<see cref="RebuildsAtOnce"/>). A slow one runs in the background
    /// once the last rebuild is long enough ago (<see cref="RebuildSpacing"/>).
    /// </summary>
    private void RebuildSoon()
    {
        int examples;
        lock (_gate)
        {
            examples = _sample.Count + _demands.Length;
        }
        if (RebuildsAtOnce(examples, _lastRebuildCost))
        {
            Rebuild();
            return;
        }
        lock (_gate)
        {
            if (_rebuildScheduled)
            {
                return;
            }
            _rebuildScheduled = true;
        }
        var wait = (_lastRebuildCost * RebuildSpacing) - clock.GetElapsedTime(Volatile.Read(ref _lastRebuild));
        _ = wait > TimeSpan.Zero
            ? Task.Delay(wait, clock).ContinueWith(_ => Rebuild(), TaskScheduler.Default)
            : Task.Run(Rebuild);
    }

    /// <summary>
    /// Learns owners' words from labelled demands, most trusted and most recent first: each demand's text teaches the
    /// technology item its owner stated and the items of the live offerings an integrator accepted an engagement for on it
    /// (their declared sub-directions, else the items their title, summary and keywords read as), at most
    /// <see cref="ExamplesPerItem"/> demands per item and <see cref="DemandsPerOwnerAndItem"/> per enterprise and item.
    /// Replaces what earlier calls taught, and rebuilds the model unless <paramref name="rebuild"/> is false (a catalog
    /// pass that follows rebuilds it once for both) or the demands teach exactly what they taught before.
    /// </summary>
    public void LearnFromDemands(IEnumerable<LabelledDemand> demands, bool rebuild = true)
    {
        ArgumentNullException.ThrowIfNull(demands);
        var perItem = new Dictionary<string, int>(StringComparer.Ordinal);
        var perOwner = new Dictionary<(Guid, string), int>();
        var examples = new List<CatalogExample>();
        foreach (var demand in demands)
        {
            if (string.IsNullOrWhiteSpace(demand.Text))
            {
                continue;
            }
            // The engagement is the label, so every item the offering is read as counts, not only the clear ones.
            var items = demand.Engaged.Where(o => o.Live)
                .SelectMany(o => Labels(o, minStrength: 0))
                .Concat(demand.StatedItem is { } stated ? [(Code: stated, Strength: 1.0)] : [])
                .GroupBy(i => i.Code, StringComparer.Ordinal)
                .Select(g => (Code: g.Key, Strength: g.Max(i => i.Strength)))
                .Where(i => perItem.GetValueOrDefault(i.Code) < ExamplesPerItem && perOwner.GetValueOrDefault((demand.Owner, i.Code)) < DemandsPerOwnerAndItem)
                .ToArray();
            if (items.Length == 0)
            {
                continue;
            }
            foreach (var (code, _) in items)
            {
                perItem[code] = perItem.GetValueOrDefault(code) + 1;
                perOwner[(demand.Owner, code)] = perOwner.GetValueOrDefault((demand.Owner, code)) + 1;
            }
            examples.Add(new CatalogExample(taxonomyNeeds.FeatureKeys(demand.Text), items));
        }
        bool unchanged;
        lock (_gate)
        {
            unchanged = Same(_demands, examples);
            _demands = [.. examples];
        }
        // A pass over a quiet pool teaches the same demands again: the model they built stands (a rebuild is 0.1–1 s of a core).
        if (rebuild && !unchanged)
        {
            Rebuild();
        }
    }

    private static bool Same(IReadOnlyList<CatalogExample> before, IReadOnlyList<CatalogExample> now) =>
        before.Count == now.Count && before.Zip(now).All(pair => pair.First.Keys.AsSpan().SequenceEqual(pair.Second.Keys) && pair.First.Items.SequenceEqual(pair.Second.Items));

    /// <summary>Updates the sample with an indexed document; whether the sample changed.</summary>
    private bool Observe(Sample sample, OfferingDocument document)
    {
        var removed = sample.Remove(document.Id);
        if (!document.Live)
        {
            return removed;
        }
        return sample.Add(document.Id, Labels(document, matcher.Weights.CatalogMinStrength), () => taxonomyNeeds.FeatureKeys(TextOf(document))) || removed;
    }

    /// <summary>
    /// The items an offering teaches: the integrator's own labels where it gave them; else the items its title, summary and
    /// keywords read as, with at least <paramref name="minStrength"/> of the best.
    /// </summary>
    private (string Code, double Strength)[] Labels(OfferingDocument document, double minStrength) =>
        document.SubDirections.Count > 0
            ? document.SubDirections.Distinct(StringComparer.Ordinal).Select(code => (Code: code, Strength: 1.0)).ToArray()
            : matcher.PrepareOffering(document).Where(i => i.Strength >= minStrength).ToArray();

    private static string TextOf(OfferingDocument offering) =>
        offering.Title + "。" + offering.Summary + "。" + offering.Description + "。" + string.Join("，", offering.Keywords);

    /// <summary>The sampled offerings of every item (not thread-safe: the owner locks).</summary>
    private sealed class Sample
    {
        private readonly Dictionary<string, SortedSet<(ulong Rank, Guid Id)>> _byItem = new(StringComparer.Ordinal);
        private readonly Dictionary<Guid, (long[] Keys, List<(string Code, double Strength)> Items)> _byOffering = [];

        /// <summary>Samples the offering for the items whose sample it enters; whether it entered any.</summary>
        public bool Add(Guid id, IReadOnlyList<(string Code, double Strength)> items, Func<long[]> keys)
        {
            var rank = Rank(id);
            List<(string Code, double Strength)>? entered = null;
            foreach (var (code, strength) in items)
            {
                if (!_byItem.TryGetValue(code, out var sampled))
                {
                    _byItem[code] = sampled = [];
                }
                if (sampled.Count >= ExamplesPerItem)
                {
                    var last = sampled.Max;
                    if (last.Rank < rank || (last.Rank == rank && last.Id.CompareTo(id) <= 0))
                    {
                        continue;
                    }
                    sampled.Remove(last);
                    LeaveItem(last.Id, code);
                }
                sampled.Add((rank, id));
                (entered ??= []).Add((code, strength));
            }
            if (entered is null)
            {
                return false;
            }
            _byOffering[id] = (keys(), entered);
            return true;
        }

        /// <summary>Takes the offering out of the sample; whether it was in it.</summary>
        public bool Remove(Guid id)
        {
            if (!_byOffering.Remove(id, out var entry))
            {
                return false;
            }
            var rank = Rank(id);
            foreach (var (code, _) in entry.Items)
            {
                _byItem[code].Remove((rank, id));
            }
            return true;
        }

        public int Count => _byOffering.Count;

        public CatalogExample[] Examples() => _byOffering.OrderBy(kv => kv.Key).Select(kv => new CatalogExample(kv.Value.Keys, kv.Value.Items.ToArray())).ToArray();

        private void LeaveItem(Guid id, string code)
        {
            var entry = _byOffering[id];
            entry.Items.RemoveAll(i => i.Code == code);
            if (entry.Items.Count == 0)
            {
                _byOffering.Remove(id);
            }
        }

        /// <summary>FNV-1a over the id's bytes: uniform even for time-ordered ids, and the same in every process.</summary>
        private static ulong Rank(Guid id)
        {
            Span<byte> bytes = stackalloc byte[16];
            id.TryWriteBytes(bytes);
            return Fnv1a.Hash(bytes);
        }
    }
}

/// <summary>A demand's text with its labels: the technology item its owner stated, and the offerings engaged on it.</summary>
/// <param name="Owner">The enterprise that wrote it: one organization teaches an item at most <see cref="CatalogLanguage.DemandsPerOwnerAndItem"/> demands.</param>
public sealed record LabelledDemand(Guid Owner, string Text, string? StatedItem, IReadOnlyList<OfferingDocument> Engaged);
