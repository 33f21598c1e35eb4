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
        var entries = Segments.GetValue(segment.AtomicReader.CoreCacheKey, _ => EntriesFor(segment.AtomicReader));
        return entries.TryGet(clause.Key) ?? entries.Load(clause, () => ClausePostings.Read(searcher, segment, clause, entries.Enumerators), hot);
    }

    /// <summary>
    /// A segment's entries, released as soon as Lucene closes the segment's core (its generation replaced, or merged away):
    /// left to the clock they would hold the budget until the hand reached them, and meanwhile the new segments' clauses
    /// would be refused as less popular than the warmed ones and decoded again by every search. Measured at 100,000
    /// offerings before this: for 30 s after a rebuild swap 800–1,100 MB/s allocated instead of 300, 2–4 blocking gen-2
    /// collections a second, p99 130–160 ms.
    /// </summary>
    private static SegmentEntries EntriesFor(AtomicReader reader)
    {
        var entries = new SegmentEntries(Shared);
        if (reader is SegmentReader segment)
        {
            segment.AddCoreDisposedListener(new ReleaseOnCoreDisposed(entries));
        }
        return entries;
    }

    private sealed class ReleaseOnCoreDisposed(SegmentEntries entries) : SegmentReader.ICoreDisposedListener
    {
        public void OnDispose(object ownerCoreCacheKey) => entries.Release();
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
        private long _usedBytes;
        private long _limitBytes = limitBytes;

        public long LimitBytes
        {
            get => Interlocked.Read(ref _limitBytes);
            set => Interlocked.Exchange(ref _limitBytes, value);
        }

        public long UsedBytes => Interlocked.Read(ref _usedBytes);

        /// <summary>
        /// How often each clause of each segment was asked for lately, hits and misses (TinyLFU's admission): when the budget
        /// is full, a clause is kept only if it was asked for more often than the one it would evict. Without it, searches
        /// whose words outnumber the budget — measured with 50,000 distinct words at 100,000 offerings, a working set of
        /// 516 MiB against 256 — make every new word evict something, the hand clears the marks of the common clauses on its
        /// way, and those are decoded again and again (852 instead of 1,191 searches/s in-process). With it the common clauses
        /// stay and the long tail competes for the rest; a rare word's postings are short and cheap to read for the search
        /// that needs them.
        /// </summary>
        public FrequencySketch Frequency { get; } = new();

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
        /// Keeps the new entry, evicting unused ones to make room, unless it exceeds the whole budget or — the budget being
        /// full — it was asked for no more often than the entry it would evict (a warm-up's entries are always kept, and an
        /// entry of a segment no search has used for a second — a replaced generation's — always gives way); false when
        /// nothing was kept (the postings are handed out all the same).
        /// </summary>
        public bool Add(Entry entry)
        {
            lock (_gate)
            {
                var limit = LimitBytes;
                if (entry.Bytes > limit || entry.Owner.Released)
                {
                    return false;
                }
                var wanted = Frequency.Estimate(entry.Hash);
                while (_usedBytes + entry.Bytes > limit && _ring.Count > 0)
                {
                    var victim = NextVictim();
                    var kept = _ring[victim];
                    if (!entry.Referenced && !kept.Owner.Idle && wanted <= Frequency.Estimate(kept.Hash))
                    {
                        return false;
                    }
                    Evict(victim);
                }
                entry.Slot = _ring.Count;
                _ring.Add(entry);
                if (entry.Owner.Keep(entry) is { Slot: >= 0 } replaced)
                {
                    Evict(replaced.Slot); // the same clause read again: one entry per clause, as the owner knows it
                }
                Interlocked.Add(ref _usedBytes, entry.Bytes);
                return true;
            }
        }

        /// <summary>
        /// Evicts every entry of the segment (its core was closed: no search can ask for them again), each from the slot it
        /// knows: a scan of the ring held the lock every search needs for as long as the ring is long (tens of thousands of
        /// entries while cursors keep old readers open), once for every segment closed.
        /// </summary>
        public void EvictAll(SegmentEntries owner)
        {
            lock (_gate)
            {
                foreach (var entry in owner.Entries())
                {
                    if (entry.Slot >= 0)
                    {
                        Evict(entry.Slot);
                    }
                }
            }
        }

        /// <summary>Advances the hand to the first entry not referenced since its last pass (clearing marks on the way): its slot.</summary>
        private int NextVictim()
        {
            while (true)
            {
                if (_hand >= _ring.Count)
                {
                    _hand = 0;
                }
                var entry = _ring[_hand];
                if (!entry.Referenced)
                {
                    return _hand;
                }
                entry.Referenced = false;
                _hand++;
            }
        }

        private void Evict(int slot)
        {
            var entry = _ring[slot];
            // Swap-remove: the last entry takes this slot, and the hand looks at it next.
            var last = _ring[^1];
            _ring[slot] = last;
            last.Slot = slot;
            _ring.RemoveAt(_ring.Count - 1);
            entry.Slot = -1;
            entry.Owner.Forget(entry);
            Interlocked.Add(ref _usedBytes, -entry.Bytes);
        }
    }

    /// <summary>
    /// A count-min sketch of recent requests (four rows of 4-bit-ish byte counters, halved every <see cref="SampleSize"/>
    /// increments so that old popularity fades). Updated without locks: a lost increment under a race only blurs an
    /// estimate, which is all an admission decision needs.
    /// </summary>
    internal sealed class FrequencySketch
    {
        private const int Width = 1 << 16;
        private const int SampleSize = 10 * Width;
        private const byte MaxCount = 15;
        private readonly byte[] _counters = new byte[4 * Width];
        private int _increments;

        public void Increment(int hash)
        {
            for (var row = 0; row < 4; row++)
            {
                ref var counter = ref _counters[(row * Width) + Index(hash, row)];
                if (counter < MaxCount)
                {
                    counter++;
                }
            }
            if (Interlocked.Increment(ref _increments) % SampleSize == 0)
            {
                for (var i = 0; i < _counters.Length; i++)
                {
                    _counters[i] >>= 1;
                }
            }
        }

        public int Estimate(int hash)
        {
            var min = int.MaxValue;
            for (var row = 0; row < 4; row++)
            {
                min = Math.Min(min, _counters[(row * Width) + Index(hash, row)]);
            }
            return min;
        }

        private static int Index(int hash, int row)
        {
            var mixed = (uint)hash * (0x9E3779B1u + (uint)(row * 0x85EBCA6B));
            return (int)((mixed ^ (mixed >> 15)) & (Width - 1));
        }
    }

    /// <summary>One segment's kept clauses (lock-free look-ups) and the reads under way.</summary>
    internal sealed class SegmentEntries(Clock clock)
    {
        /// <summary>What an entry costs besides its arrays: the key string, the dictionary node, the entry and ring slot.</summary>
        private const long EntryOverheadBytes = 128;

        private readonly ConcurrentDictionary<string, Entry> _byKey = new(StringComparer.Ordinal);
        private long _lastUsed = Environment.TickCount64;

        /// <summary>No search has asked this segment for a clause for a second (its generation was replaced, or it is rarely searched).</summary>
        public bool Idle => Environment.TickCount64 - Volatile.Read(ref _lastUsed) > 1_000;
        private readonly ConcurrentDictionary<string, Lazy<ClausePostings>> _loading = new(StringComparer.Ordinal);

        public int Count => _byKey.Count;

        /// <summary>The segment's term and postings enumerators, reused by the reads of its missing clauses.</summary>
        public TermEnumerators Enumerators { get; } = new();

        /// <summary>The segment's core was closed: its entries are gone and nothing more is kept for it.</summary>
        public bool Released => Volatile.Read(ref _released);

        private bool _released;

        public void Release()
        {
            Volatile.Write(ref _released, true);
            clock.EvictAll(this);
        }

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
            clock.Frequency.Increment(entry.Hash);
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            return entry.Postings;
        }

        internal int HashOf(string key) => HashCode.Combine(StringComparer.Ordinal.GetHashCode(key), RuntimeHelpers.GetHashCode(this));

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
            var entry = new Entry(this, clause, postings, CostOf(clause, postings)) { Referenced = referenced };
            clock.Frequency.Increment(entry.Hash); // a miss is a request too
            Volatile.Write(ref _lastUsed, Environment.TickCount64);
            clock.Add(entry);
            return postings;
        }

        /// <summary>The kept clauses, whether searched since the hand last passed, and their cost.</summary>
        public List<(ScoringClause Clause, bool Referenced, long Bytes)> Snapshot() =>
            _byKey.Values.Select(e => (e.Clause, e.Referenced, e.Bytes)).ToList();

        /// <summary>The segment's kept entries (a copy: eviction removes them).</summary>
        internal Entry[] Entries() => [.. _byKey.Values];

        /// <summary>Keeps the entry for its clause; the entry it replaces, if any.</summary>
        internal Entry? Keep(Entry entry)
        {
            Entry? replaced = null;
            _byKey.AddOrUpdate(entry.Clause.Key, entry, (_, old) =>
            {
                replaced = old;
                return entry;
            });
            return replaced;
        }

        internal void Forget(Entry entry) => _byKey.TryRemove(new KeyValuePair<string, Entry>(entry.Clause.Key, entry));
    }

    internal sealed class Entry(SegmentEntries owner, ScoringClause clause, ClausePostings postings, long bytes)
    {
        public SegmentEntries Owner { get; } = owner;

        /// <summary>The clause in this segment, for <see cref="Clock.Frequency"/>.</summary>
        public int Hash { get; } = owner.HashOf(clause.Key);

        public ScoringClause Clause { get; } = clause;

        public ClausePostings Postings { get; } = postings;

        public long Bytes { get; } = bytes;

        public volatile bool Referenced;

        /// <summary>Its place in the clock's ring (changed and read under the clock's lock); −1 once evicted.</summary>
        public int Slot = -1;
    }
}
