using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Merged clause postings per segment core, within a memory budget shared out by segment size (at least 1 MiB for a
/// small segment). When a segment's share is full, a new clause evicts the clauses searches have not used since the
/// clock hand last passed them (CLOCK, the second-chance approximation of least recently used): common words stay,
/// one-off words come and go, and memory stays within the budget whatever the vocabulary of the searches. A clause
/// larger than its segment's whole share is read for the search and not kept. Entries die with their segment, and stay
/// valid across index changes: they hold no index-wide statistics (their scored factors are recomputed when the average
/// field lengths move).
/// </summary>
internal static class ClausePostingsCache
{
    private const long SmallSegmentBudgetBytes = 1 << 20;
    private static readonly ConditionalWeakTable<object, SegmentEntries> Segments = new();

    public static ClausePostings Get(IndexSearcher searcher, AtomicReaderContext segment, ScoringClause clause, long budgetBytes)
    {
        if (budgetBytes <= 0)
        {
            return ClausePostings.Read(searcher, segment, clause);
        }
        var reader = segment.AtomicReader;
        // A segment's share of the budget follows its size, with a floor: the small segments that live writes add
        // between merges hold tiny postings, and without a cache every search would seek all their terms again.
        var entries = Segments.GetValue(reader.CoreCacheKey, _ => new SegmentEntries(Math.Max(
            (long)(budgetBytes * ((double)reader.MaxDoc / Math.Max(1, searcher.IndexReader.MaxDoc))),
            Math.Min(budgetBytes, SmallSegmentBudgetBytes))));
        return entries.TryGet(clause.Key) ?? entries.Load(clause, () => ClausePostings.Read(searcher, segment, clause));
    }

    /// <summary>
    /// The clauses kept for the reader's segments, those searched since the clock hand last passed first, the largest
    /// (the costliest to decode) first within each group, up to <paramref name="maxBytes"/> of postings: what a new
    /// generation should decode before it serves.
    /// </summary>
    public static List<ScoringClause> HotClauses(IndexReader reader, long maxBytes)
    {
        var kept = new List<(ScoringClause Clause, bool Referenced, long Bytes)>();
        foreach (var leaf in reader.Leaves)
        {
            if (Segments.TryGetValue(leaf.AtomicReader.CoreCacheKey, out var entries))
            {
                kept.AddRange(entries.Snapshot());
            }
        }
        var hot = new List<ScoringClause>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long bytes = 0;
        foreach (var (clause, _, size) in kept.OrderByDescending(e => e.Referenced).ThenByDescending(e => e.Bytes))
        {
            if (bytes + size <= maxBytes && seen.Add(clause.Key))
            {
                hot.Add(clause);
                bytes += size;
            }
        }
        return hot;
    }

    /// <summary>The clauses kept for one segment.</summary>
    public static int Count(AtomicReader reader) => Segments.TryGetValue(reader.CoreCacheKey, out var entries) ? entries.Count : 0;

    /// <summary>Whether the clause's postings are kept for the segment (tests).</summary>
    public static bool Contains(AtomicReader reader, ScoringClause clause) =>
        Segments.TryGetValue(reader.CoreCacheKey, out var entries) && entries.Contains(clause.Key);

    /// <summary>Entries and bytes kept, over every live segment (for benchmarks and diagnostics).</summary>
    public static (int Entries, long Bytes, long LimitBytes) Statistics()
    {
        int entries = 0;
        long bytes = 0, limit = 0;
        foreach (var (_, segment) in Segments)
        {
            entries += segment.Count;
            bytes += segment.UsedBytes;
            limit += segment.LimitBytes;
        }
        return (entries, bytes, limit);
    }

    /// <summary>One segment's clauses: lock-free look-ups; additions and evictions under a lock.</summary>
    internal sealed class SegmentEntries(long limitBytes)
    {
        /// <summary>What an entry costs besides its arrays: the key string, the dictionary node, the entry and ring slot.</summary>
        private const long EntryOverheadBytes = 128;

        private readonly ConcurrentDictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<ClausePostings>> _loading = new(StringComparer.Ordinal);
        private readonly List<Entry> _ring = [];
        private readonly Lock _gate = new();
        private int _hand;
        private long _usedBytes;

        public long LimitBytes { get; } = limitBytes;

        public long UsedBytes => Interlocked.Read(ref _usedBytes);

        public int Count => _byKey.Count;

        public bool Contains(string key) => _byKey.ContainsKey(key);

        /// <summary>The bytes an entry counts against the share: its arrays, its key and the bookkeeping around it.</summary>
        public static long CostOf(string key, ClausePostings postings) => postings.Bytes + EntryOverheadBytes + (key.Length * 2L);

        public ClausePostings? TryGet(string key)
        {
            if (!_byKey.TryGetValue(key, out var entry))
            {
                return null;
            }
            entry.Referenced = true; // a benign race: the hand may clear it a moment later, as CLOCK allows
            return entry.Postings;
        }

        /// <summary>
        /// Reads a clause's postings once however many searches ask for them at the same moment (right after a start or a
        /// swap, many searches meet the same common words), and keeps them.
        /// </summary>
        public ClausePostings Load(ScoringClause clause, Func<ClausePostings> read)
        {
            var loading = new Lazy<ClausePostings>(read, LazyThreadSafetyMode.ExecutionAndPublication);
            var shared = _loading.GetOrAdd(clause.Key, loading);
            try
            {
                var postings = shared.Value;
                return ReferenceEquals(shared, loading) ? Add(clause, postings) : TryGet(clause.Key) ?? postings;
            }
            finally
            {
                if (ReferenceEquals(shared, loading))
                {
                    _loading.TryRemove(clause.Key, out _);
                }
            }
        }

        /// <summary>The kept clauses, whether searched since the hand last passed, and their cost.</summary>
        public List<(ScoringClause Clause, bool Referenced, long Bytes)> Snapshot()
        {
            lock (_gate)
            {
                return _ring.Select(e => (e.Clause, e.Referenced, e.Bytes)).ToList();
            }
        }

        /// <summary>Keeps the postings (evicting unused ones to make room) unless they exceed the whole share; returns the kept ones.</summary>
        public ClausePostings Add(ScoringClause clause, ClausePostings postings)
        {
            var key = clause.Key;
            var bytes = CostOf(key, postings);
            if (bytes > LimitBytes)
            {
                return postings;
            }
            lock (_gate)
            {
                if (_byKey.TryGetValue(key, out var existing))
                {
                    return existing.Postings; // another search read it meanwhile
                }
                while (_usedBytes + bytes > LimitBytes && _ring.Count > 0)
                {
                    EvictOne();
                }
                // A new entry is not yet referenced: a word searched once is the first to go, one searched again stays.
                var entry = new Entry(clause, postings, bytes);
                _ring.Add(entry);
                _byKey[key] = entry;
                Interlocked.Add(ref _usedBytes, bytes);
                return postings;
            }
        }

        /// <summary>Advances the hand to the first entry not referenced since its last pass (clearing marks on the way) and evicts it.</summary>
        private void EvictOne()
        {
            while (true)
            {
                if (_hand >= _ring.Count)
                {
                    _hand = 0;
                }
                var entry = _ring[_hand];
                if (entry.Referenced)
                {
                    entry.Referenced = false;
                    _hand++;
                    continue;
                }
                // Swap-remove: the last entry takes this slot, and the hand looks at it next.
                _ring[_hand] = _ring[^1];
                _ring.RemoveAt(_ring.Count - 1);
                _byKey.TryRemove(entry.Key, out _);
                Interlocked.Add(ref _usedBytes, -entry.Bytes);
                return;
            }
        }

        private sealed class Entry(ScoringClause clause, ClausePostings postings, long bytes)
        {
            public ScoringClause Clause { get; } = clause;

            public string Key => Clause.Key;

            public ClausePostings Postings { get; } = postings;

            public long Bytes { get; } = bytes;

            public volatile bool Referenced;
        }
    }
}
