using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace Marketplace.Search.Lucene;

/// <summary>
/// Merged clause postings per segment core, within one memory budget for the whole process (every segment of every
/// generation). When it is full, a new clause evicts the clauses searches have not used since the clock hand last passed
/// them (CLOCK, the second-chance approximation of least recently used): common words stay, one-off words come and go,
/// the segments of a generation being replaced give way to the new one's, and memory stays within the budget whatever the
/// vocabulary of the searches. A clause larger than the whole budget is read for the search and not kept. Entries stay
/// valid across index changes: they hold no index-wide statistics (their scored factors are recomputed when the average
/// field lengths move); those of a segment no search uses any more are the first to be evicted.
/// </summary>
internal static class ClausePostingsCache
{
    private static readonly ConditionalWeakTable<object, SegmentEntries> Segments = new();

    /// <summary>The process-wide clock: its limit is the budget of the latest search.</summary>
    private static readonly Clock Shared = new(0);

    public static ClausePostings Get(IndexSearcher searcher, AtomicReaderContext segment, ScoringClause clause, long budgetBytes, bool hot = false)
    {
        if (budgetBytes <= 0)
        {
            return ClausePostings.Read(searcher, segment, clause);
        }
        Shared.LimitBytes = budgetBytes;
        var entries = Segments.GetValue(segment.AtomicReader.CoreCacheKey, _ => new SegmentEntries(Shared));
        return entries.TryGet(clause.Key) ?? entries.Load(clause, () => ClausePostings.Read(searcher, segment, clause), hot);
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

    /// <summary>Entries and bytes kept, and the budget (for benchmarks and diagnostics).</summary>
    public static (int Entries, long Bytes, long LimitBytes) Statistics() => (Shared.Count, Shared.UsedBytes, Shared.LimitBytes);

    /// <summary>A budget and the ring of entries it holds, swept by a hand; additions and evictions under its lock.</summary>
    internal sealed class Clock(long limitBytes)
    {
        private readonly List<Entry> _ring = [];
        private readonly Lock _gate = new();
        private int _hand;
        private const int DoorkeeperSlots = 1 << 17;
        private readonly int[] _seen = new int[DoorkeeperSlots];
        private long _usedBytes;
        private long _limitBytes = limitBytes;

        public long LimitBytes
        {
            get => Interlocked.Read(ref _limitBytes);
            set => Interlocked.Exchange(ref _limitBytes, value);
        }

        public long UsedBytes => Interlocked.Read(ref _usedBytes);

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _ring.Count;
                }
            }
        }

        /// <summary>
        /// Evicts unused entries until the new one fits, then keeps it; false (nothing kept) when it exceeds the whole budget,
        /// or when the budget is full and the clause is met for the first time (see <see cref="SeenBefore"/>).
        /// </summary>
        public bool Add(Entry entry)
        {
            lock (_gate)
            {
                var limit = LimitBytes;
                if (entry.Bytes > limit)
                {
                    return false;
                }
                if (_usedBytes + entry.Bytes > limit && !entry.Referenced && !SeenBefore(entry))
                {
                    return false;
                }
                while (_usedBytes + entry.Bytes > limit && _ring.Count > 0)
                {
                    EvictOne();
                }
                _ring.Add(entry);
                entry.Owner.Keep(entry);
                Interlocked.Add(ref _usedBytes, entry.Bytes);
                return true;
            }
        }

        /// <summary>
        /// Admission when full (TinyLFU's doorkeeper, simplified): a clause is kept only the second time it misses. Searches
        /// that bring words nobody searches again (measured: 50,000 distinct words at 100,000 offerings) otherwise make every
        /// one of them evict something, the hand clears the marks of the common clauses on its way, and those are decoded
        /// again and again: 894 instead of 1,249 searches/s in-process. A one-off word's postings are short and cheap to
        /// read for the one search that needs them. Lossy and bounded: one hash per slot, a collision only admits a clause
        /// early or late.
        /// </summary>
        private bool SeenBefore(Entry entry)
        {
            var hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(entry.Clause.Key), RuntimeHelpers.GetHashCode(entry.Owner)) | 1;
            ref var slot = ref _seen[hash & (DoorkeeperSlots - 1)];
            if (slot == hash)
            {
                return true;
            }
            slot = hash;
            return false;
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
                entry.Owner.Forget(entry);
                Interlocked.Add(ref _usedBytes, -entry.Bytes);
                return;
            }
        }
    }

    /// <summary>One segment's kept clauses (lock-free look-ups) and the reads under way.</summary>
    internal sealed class SegmentEntries(Clock clock)
    {
        /// <summary>What an entry costs besides its arrays: the key string, the dictionary node, the entry and ring slot.</summary>
        private const long EntryOverheadBytes = 128;

        private readonly ConcurrentDictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, Lazy<ClausePostings>> _loading = new(StringComparer.Ordinal);

        public int Count => _byKey.Count;

        /// <summary>
        /// The bytes an entry counts against the budget: its arrays, its clause (kept to warm a new generation with it) and
        /// the bookkeeping around it.
        /// </summary>
        public static long CostOf(ScoringClause clause, ClausePostings postings) =>
            postings.Bytes + EntryOverheadBytes + (clause.Key.Length * 2L)
            + clause.Leaves.Sum(l => 96 + (l.Key.Length * 2L) + l.Terms.Sum(t => 32 + (t.Length * 2L)) + (l.Positions.Length * 4L));

        public bool Contains(string key) => _byKey.ContainsKey(key);

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
        /// <param name="hot">Kept as if already searched again (a warm-up's clauses from the live generation's working set).</param>
        public ClausePostings Load(ScoringClause clause, Func<ClausePostings> read, bool hot = false)
        {
            var loading = new Lazy<ClausePostings>(read, LazyThreadSafetyMode.ExecutionAndPublication);
            var shared = _loading.GetOrAdd(clause.Key, loading);
            try
            {
                var postings = shared.Value;
                return ReferenceEquals(shared, loading) ? Add(clause, postings, hot) : TryGet(clause.Key) ?? postings;
            }
            finally
            {
                if (ReferenceEquals(shared, loading))
                {
                    _loading.TryRemove(clause.Key, out _);
                }
            }
        }

        /// <summary>Keeps the postings (evicting unused ones to make room) unless they exceed the whole budget; returns the kept ones.</summary>
        /// <param name="referenced">
        /// A new entry is normally not yet referenced: a word searched once is the first to go, one searched again stays.
        /// </param>
        public ClausePostings Add(ScoringClause clause, ClausePostings postings, bool referenced = false)
        {
            if (_byKey.TryGetValue(clause.Key, out var existing))
            {
                return existing.Postings; // another search read it meanwhile
            }
            clock.Add(new Entry(this, clause, postings, CostOf(clause, postings)) { Referenced = referenced });
            return postings;
        }

        /// <summary>The kept clauses, whether searched since the hand last passed, and their cost.</summary>
        public List<(ScoringClause Clause, bool Referenced, long Bytes)> Snapshot() =>
            _byKey.Values.Select(e => (e.Clause, e.Referenced, e.Bytes)).ToList();

        internal void Keep(Entry entry) => _byKey[entry.Clause.Key] = entry;

        internal void Forget(Entry entry) => _byKey.TryRemove(new KeyValuePair<string, Entry>(entry.Clause.Key, entry));
    }

    internal sealed class Entry(SegmentEntries owner, ScoringClause clause, ClausePostings postings, long bytes)
    {
        public SegmentEntries Owner { get; } = owner;

        public ScoringClause Clause { get; } = clause;

        public ClausePostings Postings { get; } = postings;

        public long Bytes { get; } = bytes;

        public volatile bool Referenced;
    }
}
