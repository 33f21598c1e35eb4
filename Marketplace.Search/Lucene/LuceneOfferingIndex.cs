using System.Globalization;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The embedded search engine: a Lucene.Net index in a folder, one long-lived writer and a
/// near-real-time searcher per physical index (<c>gen-&lt;n&gt;</c>), the live generation named by the
/// <c>current-generation</c> file. Writes are serialized and committed per batch, then visible at once;
/// searches run concurrently. Rebuilds fill a new generation and swap it in.
/// </summary>
public sealed class LuceneOfferingIndex : IOfferingIndex, IDisposable, IAsyncDisposable
{
    public const string GenerationPointerFile = "current-generation";
    private const string GenerationPrefix = "gen-";
    private const string DamagedPrefix = "damaged-";

    /// <summary>How far past its old place a moved cursor's last hit is looked for (offerings published above it since).</summary>
    private const int MovedCursorReach = 100;

    private readonly LuceneIndexOptions _options;
    private readonly TaxonomyCatalog _taxonomy;
    private readonly Analyzer _analyzer;
    private readonly OfferingQueryBuilder _queries;
    private readonly Thesaurus _thesaurus;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly SemaphoreSlim _searchGate;
    private readonly ReaderWriterLockSlim _swapLock = new();
    private readonly Lock _openLock = new();
    private IndexGeneration? _live;
    private LuceneRebuild? _rebuild;
    private SearchResultCache _results = SearchResultCache.Empty;

    /// <summary>
    /// Pages of more hits are not cached: the cache is bounded by entries, and 2,048 pages of 100 highlighted hits took
    /// about 335 MB. People's pages (20 by default) are the repeated ones; matching's 200 candidates are not repeated.
    /// </summary>
    private const int MaxCachedHits = 20;
    private Task _warmedUp = Task.CompletedTask;
    private readonly ILogger _logger;
    private readonly Lock _warmTermsSaving = new();
    private bool _warmTermsFinal;
    private Timer? _warmTermsSaver;
    private bool _disposed;

    public LuceneOfferingIndex(LuceneIndexOptions options, Thesaurus thesaurus, TaxonomyCatalog taxonomy, ILogger<LuceneOfferingIndex>? logger = null)
    {
        _logger = logger ?? NullLogger<LuceneOfferingIndex>.Instance;
        ArgumentException.ThrowIfNullOrWhiteSpace(options.IndexDirectory);
        _options = options;
        _taxonomy = taxonomy;
        var concurrency = options.MaxConcurrentSearches > 0 ? options.MaxConcurrentSearches : Environment.ProcessorCount * 2;
        _searchGate = new SemaphoreSlim(concurrency, concurrency);
        JiebaSegmentation.AddUserWords(thesaurus.DictionaryTerms);
        _analyzer = OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields);
        _queries = new OfferingQueryBuilder(_analyzer, thesaurus);
        _thesaurus = thesaurus;
        SearchMetrics.Register();
    }

    internal LuceneIndexOptions Options => _options;

    /// <summary>Decoded postings kept for text searches, over every open segment: entries, bytes and the budget in bytes.</summary>
    public static (int Entries, long Bytes, long LimitBytes) PostingsCacheUsage => ClausePostingsCache.Statistics();

    /// <summary>
    /// Completes when the generation opened at start-up has decoded the postings searches are about to need
    /// (<see cref="PostingsWarmUp"/>; at once when <see cref="LuceneIndexOptions.WarmUpPostings"/> is off). A rebuilt
    /// generation is warmed before it is swapped in.
    /// </summary>
    public Task WarmedUp
    {
        get
        {
            _ = Live;
            return _warmedUp;
        }
    }

    /// <summary>The number of the live generation (its folder is <c>gen-&lt;n&gt;</c>).</summary>
    public int CurrentGeneration => Live.Number;

    private IndexGeneration Live => _live ?? Open();

    /// <summary>How the index folder was found when it was opened (see <see cref="Open"/>).</summary>
    public IndexOpening Opening { get; private set; }

    /// <summary>What was wrong with the generations that could not be opened, when any could not.</summary>
    public string? OpeningProblem { get; private set; }

    public Task<IndexOpening> EnsureCreatedAsync(CancellationToken ct)
    {
        _ = Live;
        return Task.FromResult(Opening);
    }

    public Task<IReadOnlyDictionary<Guid, IndexedVersion>> ReadVersionsAsync(CancellationToken ct)
    {
        _ = Live;
        _swapLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var searchers = _live!.Searchers!;
            searchers.MaybeRefreshBlocking();
            var searcher = searchers.Acquire();
            try
            {
                return Task.FromResult(IndexGeneration.ReadVersions(searcher.IndexReader));
            }
            finally
            {
                searchers.Release(searcher);
            }
        }
        finally
        {
            _swapLock.ExitReadLock();
        }
    }

    public async Task WriteAsync(IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var live = Live;
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            live = _live!;
            if (live.Apply(documents, _taxonomy, bulk: false))
            {
                live.Commit();
                live.Searchers!.MaybeRefreshBlocking();
            }
            else if (!live.Searchers!.IsSearcherCurrent())
            {
                // Nothing new, but an earlier write's refresh failed after its commit: searchable when this returns, too.
                live.Searchers.MaybeRefreshBlocking();
            }
            _rebuild?.Target.Apply(documents, _taxonomy, bulk: false); // not lost when the rebuild swaps in
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// The offerings among <paramref name="changes"/> of which this index holds an older version than the one given (or
    /// none): those a write would change. Lets a caller skip loading documents that are already indexed.
    /// </summary>
    public async Task<IReadOnlyList<Guid>> OlderThanAsync(IReadOnlyCollection<(Guid Id, long Version)> changes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _ = Live;
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var live = _live!;
            return changes.Where(c => live.VersionOf(c.Id) < c.Version).Select(c => c.Id).Distinct().ToArray();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async Task<OfferingSearchResult> SearchAsync(OfferingSearchRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ct.ThrowIfCancellationRequested();
        // Searches are CPU-bound: beyond a few per core they only slow each other down. Waiting callers queue here
        // (asynchronously), and one that gave up meanwhile is dropped before any work is done for it.
        if (!_searchGate.Wait(0))
        {
            await _searchGate.WaitAsync(ct).ConfigureAwait(false);
        }
        try
        {
            ct.ThrowIfCancellationRequested();
            return SearchNow(request);
        }
        finally
        {
            _searchGate.Release();
        }
    }

    private OfferingSearchResult SearchNow(OfferingSearchRequest request)
    {
        _ = Live;
        _swapLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var live = _live!;
            var searchers = live.Searchers!;
            var searcher = searchers.Acquire();
            IndexSearcher? snapshot = null;
            try
            {
                if (request.Cursor is not null
                    && SearchCursor.Decode(request.Cursor, request.Sort, request.CursorScope()).Generation is { } issuedAt
                    && issuedAt != VersionOf(searcher))
                {
                    // The next page of a ranking read from an older reader, while that reader is kept: read from it.
                    snapshot = live.Snapshots!.Acquire(issuedAt);
                    if (snapshot is not null)
                    {
                        return Search(snapshot, request);
                    }
                }
                OfferingSearchResult result;
                if (_options.ResultCacheEntries == 0 || request.Limit > MaxCachedHits)
                {
                    result = Search(searcher, request);
                }
                else
                {
                    var cache = _results.For(searcher.IndexReader, _options.ResultCacheEntries);
                    _results = cache;
                    result = cache.GetOrAdd(request, r => Search(searcher, r));
                }
                if (result.NextCursor is not null)
                {
                    live.Snapshots!.Record(searcher); // kept only for readers whose cursors are out there
                }
                return result;
            }
            finally
            {
                if (snapshot is not null)
                {
                    live.Snapshots!.Release(snapshot);
                }
                searchers.Release(searcher);
            }
        }
        finally
        {
            _swapLock.ExitReadLock();
        }
    }

    public async Task<IIndexRebuild> BeginRebuildAsync(CancellationToken ct)
    {
        var live = Live;
        await _writeLock.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_rebuild is not null)
            {
                throw new InvalidOperationException("A rebuild of the offering index is already running.");
            }
            var number = Math.Max(live.Number, ExistingGenerations().DefaultIfEmpty(0).Max()) + 1;
            var target = IndexGeneration.CreateForRebuild(GenerationPath(number), number, _analyzer, _options.RebuildRamBufferSizeMb);
            _rebuild = new LuceneRebuild(this, target);
            return _rebuild;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public Task<bool> IsHealthyAsync(CancellationToken ct)
    {
        try
        {
            _swapLock.EnterReadLock();
            try
            {
                if (_disposed)
                {
                    return Task.FromResult(false);
                }
                var searchers = Live.Searchers!;
                var searcher = searchers.Acquire();
                try
                {
                    return Task.FromResult(searcher.IndexReader.RefCount > 0);
                }
                finally
                {
                    searchers.Release(searcher);
                }
            }
            finally
            {
                _swapLock.ExitReadLock();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
        {
            return Task.FromResult(false);
        }
    }

    public void Dispose()
    {
        _warmTermsSaver?.Dispose();
        SaveWarmTerms(final: true);
        _writeLock.Wait();
        try
        {
            _swapLock.EnterWriteLock();
            try
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                _rebuild?.Target.Abandon();
                _rebuild = null;
                _live?.Dispose();
                _live = null;
                _analyzer.Dispose();
            }
            finally
            {
                _swapLock.ExitWriteLock();
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    internal async Task AddToRebuildAsync(LuceneRebuild rebuild, IReadOnlyList<OfferingDocument> documents, CancellationToken ct)
    {
        await _writeLock.WaitAsync(ct);
        try
        {
            EnsureCurrent(rebuild);
            rebuild.Target.Apply(documents, _taxonomy, bulk: true);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>
    /// Commits the rebuilt generation, warms it while the live one keeps serving (the clauses the live searches use, the
    /// common words and domain terms), then swaps it in: the first searches after the swap find its postings decoded.
    /// Writes made meanwhile reach both generations; the new one is committed and refreshed under the write lock first.
    /// </summary>
    internal async Task SwapAsync(LuceneRebuild rebuild, CancellationToken ct)
    {
        var target = rebuild.Target;
        IndexGeneration live;
        await _writeLock.WaitAsync(ct);
        try
        {
            EnsureCurrent(rebuild);
            target.FinishRebuild();
            live = _live!;
        }
        finally
        {
            _writeLock.Release();
        }

        WarmUp(target, HotClausesOf(live), () => _disposed || _rebuild != rebuild || ct.IsCancellationRequested);

        await _writeLock.WaitAsync(ct);
        try
        {
            EnsureCurrent(rebuild);
            if (target.Writer.HasUncommittedChanges())
            {
                target.Commit(); // writes made while it warmed
            }
            target.Searchers!.MaybeRefreshBlocking();
            IndexGeneration old;
            _swapLock.EnterWriteLock();
            try
            {
                old = _live!;
                WritePointer(target.Number);
                _live = target;
                _rebuild = null;
            }
            finally
            {
                _swapLock.ExitWriteLock();
            }
            old.Dispose();
            TryDelete(old.Path);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal async Task AbandonAsync(LuceneRebuild rebuild)
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_rebuild != rebuild)
            {
                return; // swapped, or the index was disposed
            }
            _rebuild = null;
            rebuild.Target.Abandon();
            TryDelete(rebuild.Target.Path);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Whether every clause of the text's query is decoded for every segment of the live generation (tests).</summary>
    internal bool IsDecoded(string text)
    {
        var searchers = Live.Searchers!;
        var searcher = searchers.Acquire();
        try
        {
            var clauses = _queries.Build(text, []).Plan.Clauses;
            return searcher.IndexReader.Leaves.All(l => clauses.All(c => ClausePostingsCache.Contains(l.AtomicReader, c)));
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    /// <summary>Clauses whose postings are kept for the live generation's segments.</summary>
    internal int CachedClauses()
    {
        var searchers = Live.Searchers!;
        var searcher = searchers.Acquire();
        try
        {
            return searcher.IndexReader.Leaves.Sum(l => ClausePostingsCache.Count(l.AtomicReader));
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    /// <summary>Decodes what the generation's first searches will need (<see cref="PostingsWarmUp"/>), on the calling thread.</summary>
    private void WarmUp(IndexGeneration generation, IReadOnlyList<ScoringClause> hot, Func<bool> stopped)
    {
        if (!_options.WarmUpPostings)
        {
            return;
        }
        try
        {
            var searchers = generation.Searchers!;
            var searcher = searchers.Acquire();
            try
            {
                PostingsWarmUp.Run(searcher, _queries, hot, _thesaurus.DictionaryTerms, PostingsCacheBudgetBytes, WarmUpSearch, stopped);
            }
            finally
            {
                searchers.Release(searcher);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or IOException)
        {
            // Closed or changed underneath (disposed or Lucene's AlreadyClosed, the rebuild abandoned, files deleted): nothing to warm.
        }
        catch (Exception e)
        {
            // Warming is best effort (searches decode what they need themselves), but a defect in it must show.
            _logger.LogError(e, "Warming the search index's postings failed; the first searches will be slower");
        }
    }

    /// <summary>The clauses the generation's searches keep decoded, up to half the cache budget (the old and the new cache coexist until the swap).</summary>
    private IReadOnlyList<ScoringClause> HotClausesOf(IndexGeneration generation)
    {
        if (!_options.WarmUpPostings)
        {
            return [];
        }
        var searchers = generation.Searchers!;
        var searcher = searchers.Acquire();
        try
        {
            return ClausePostingsCache.HotClauses(searcher.IndexReader, PostingsCacheBudgetBytes / 2);
        }
        finally
        {
            searchers.Release(searcher);
        }
    }

    private static readonly TimeSpan WarmTermsSaveInterval = TimeSpan.FromMinutes(1);

    /// <summary>The clauses of the terms the previous process's searches kept decoded (<see cref="WarmTermsFile"/>).</summary>
    private List<ScoringClause> SavedWarmClauses() =>
        WarmTermsFile.Read(_options.IndexDirectory).Select(_queries.ClauseForTerm).OfType<ScoringClause>().ToList();

    /// <summary>Saves the query terms of the live generation's decoded clauses for the next start (best effort).</summary>
    private void SaveWarmTerms(bool final = false)
    {
        if (!_options.WarmUpPostings || _disposed || _live is not { } live)
        {
            return;
        }
        // The timer's save and the one at disposal may overlap (disposing a timer does not wait for its callback): a
        // callback still waiting here after the save at disposal writes nothing, since its caller may be deleting the folder.
        using var saving = _warmTermsSaving.EnterScope();
        if (_warmTermsFinal)
        {
            return;
        }
        _warmTermsFinal = final;
        try
        {
            var terms = HotClausesOf(live).Select(c => c.Term).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (terms.Count > 0)
            {
                WarmTermsFile.Write(_options.IndexDirectory, terms);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
        {
            // Closed meanwhile, or the folder is not writable: the next start is only colder.
        }
    }

    /// <summary>The shapes of search the warm-up runs for a text: ranked with facets and highlights, filtered, sorted, and as matching asks.</summary>
    private void WarmUpSearch(IndexSearcher searcher, string? text)
    {
        var direction = _taxonomy.Directions[0].Code;
        var district = _taxonomy.Districts[0].Name;
        Search(searcher, new OfferingSearchRequest { Text = text });
        Search(searcher, new OfferingSearchRequest { Text = text, Directions = [direction], District = district, MaxPriceYuan = 200_000 });
        Search(searcher, new OfferingSearchRequest { Text = text, Sort = SearchSort.Newest, Offset = 20 });
        Search(searcher, new OfferingSearchRequest { Text = text, Limit = OfferingSearchRequest.MaxLimit, IncludeFacets = false, Highlight = false });
    }

    private long PostingsCacheBudgetBytes => _options.PostingsCacheMegabytes * 1024L * 1024L;

    private void EnsureCurrent(LuceneRebuild rebuild)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_rebuild != rebuild)
        {
            throw new InvalidOperationException("This rebuild is no longer running (swapped or abandoned).");
        }
    }

    /// <summary>
    /// Opens the generation the pointer names, after checking the checksum of every file of its last commit. When it is
    /// missing or damaged, the other generations are tried, newest first ("serve the old generation if one is intact":
    /// <see cref="IndexOpening.Recovered"/>); when none is intact an empty generation takes their place
    /// (<see cref="IndexOpening.Replaced"/>). Damaged generations are moved aside as <c>damaged-gen-&lt;n&gt;</c> (the last
    /// damage only) for inspection. Never fails for damage — only when the folder is locked by another process, which
    /// is a configuration error (one index folder per node).
    /// </summary>
    private IndexGeneration Open()
    {
        lock (_openLock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_live is not null)
            {
                return _live;
            }
            Directory.CreateDirectory(_options.IndexDirectory);
            var (generation, opening) = OpenBestGeneration();
            generation.StartSearching();
            // Left-overs of an interrupted rebuild or swap.
            foreach (var stale in ExistingGenerations().Where(n => n != generation.Number))
            {
                TryDelete(GenerationPath(stale));
            }
            Opening = opening;
            _live = generation;
            if (_options.WarmUpPostings)
            {
                _warmedUp = Task.Factory.StartNew(
                    () => WarmUp(generation, SavedWarmClauses(), () => _disposed || !ReferenceEquals(_live, generation)),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                _warmTermsSaver ??= new Timer(_ => SaveWarmTerms(), null, WarmTermsSaveInterval, WarmTermsSaveInterval);
            }
            return generation;
        }
    }

    private (IndexGeneration Generation, IndexOpening Opening) OpenBestGeneration()
    {
        int? pointer = null;
        var problems = new List<string>();
        try
        {
            pointer = ReadPointer();
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            problems.Add(e.Message);
        }
        var existing = ExistingGenerations().OrderDescending().ToList();
        if (pointer is null && existing.Count == 0 && problems.Count == 0)
        {
            return (CreateGeneration(1), IndexOpening.Created);
        }
        if (pointer is { } named && !existing.Contains(named))
        {
            problems.Add($"{GenerationPrefix}{named} named by {GenerationPointerFile} is missing");
        }
        var candidates = existing.OrderBy(n => n == pointer ? 0 : 1).ToList();
        var damaged = new List<int>();
        foreach (var number in candidates)
        {
            IndexGeneration? generation = null;
            try
            {
                generation = IndexGeneration.Open(GenerationPath(number), number, _analyzer, create: false);
                generation.CheckIntegrity();
                if (number != pointer)
                {
                    WritePointer(number);
                }
                OpeningProblem = problems.Count == 0 ? null : string.Join("; ", problems);
                return (generation, number == pointer ? IndexOpening.Existing : IndexOpening.Recovered);
            }
            catch (Exception e) when (e is not global::Lucene.Net.Store.LockObtainFailedException)
            {
                generation?.Abandon();
                problems.Add($"{GenerationPrefix}{number}: {e.GetType().Name}: {e.Message}");
                damaged.Add(number);
            }
        }
        MoveAside(damaged);
        OpeningProblem = string.Join("; ", problems);
        var replacement = Math.Max(pointer ?? 0, existing.DefaultIfEmpty(0).Max()) + 1;
        return (CreateGeneration(replacement), IndexOpening.Replaced);
    }

    private IndexGeneration CreateGeneration(int number)
    {
        var generation = IndexGeneration.Open(GenerationPath(number), number, _analyzer, create: true);
        WritePointer(number);
        return generation;
    }

    private void MoveAside(IReadOnlyCollection<int> damaged)
    {
        if (damaged.Count == 0)
        {
            return;
        }
        foreach (var previous in Directory.EnumerateDirectories(_options.IndexDirectory, DamagedPrefix + "*"))
        {
            TryDelete(previous);
        }
        foreach (var number in damaged)
        {
            try
            {
                Directory.Move(GenerationPath(number), Path.Combine(_options.IndexDirectory, DamagedPrefix + GenerationPrefix + number.ToString(CultureInfo.InvariantCulture)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(GenerationPath(number));
            }
        }
    }

    private string GenerationPath(int number) => Path.Combine(_options.IndexDirectory, GenerationPrefix + number.ToString(CultureInfo.InvariantCulture));

    private IEnumerable<int> ExistingGenerations() =>
        Directory.Exists(_options.IndexDirectory)
            ? Directory.EnumerateDirectories(_options.IndexDirectory, GenerationPrefix + "*")
                .Select(d => int.TryParse(Path.GetFileName(d)[GenerationPrefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0)
                .Where(n => n > 0)
                .ToList()
            : [];

    private int? ReadPointer()
    {
        var path = Path.Combine(_options.IndexDirectory, GenerationPointerFile);
        if (!File.Exists(path))
        {
            return null;
        }
        var text = File.ReadAllText(path).Trim();
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new InvalidDataException($"{path} does not hold a generation number: '{text}'.");
    }

    private void WritePointer(int number)
    {
        var path = Path.Combine(_options.IndexDirectory, GenerationPointerFile);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, number.ToString(CultureInfo.InvariantCulture));
        File.Move(temporary, path, overwrite: true); // atomic rename: a restart sees the old or the new generation
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
            // Still open somewhere (Windows): removed as a stale generation at the next start.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }

    private OfferingSearchResult Search(IndexSearcher searcher, OfferingSearchRequest request)
    {
        request.CheckPaging();
        var limit = request.Limit;
        var offset = request.Cursor is null ? request.Offset : 0;
        var cursor = request.Cursor is null ? null : SearchCursor.Decode(request.Cursor, request.Sort, request.CursorScope());
        var generation = VersionOf(searcher);
        var start = cursor?.Position ?? offset; // how many hits come before this page
        SearchCursor? moved = null;
        if (cursor is { Sort: SearchSort.Relevance, Generation: { } issuedAt, Position: { } position } && issuedAt != generation && position <= OfferingSearchRequest.MaxOffsetWindow)
        {
            // Read from a newer reader than the cursor's, which is no longer kept: every score moved, so the last hit's score
            // no longer marks the place (pages skipped offerings, or repeated for ever). Best effort: see ResumeAfter.
            moved = cursor;
            offset = (int)position;
            cursor = null;
        }

        var text = SingleCharacterSearch.Widen(_queries.Build(request.Text, request.BoostTerms), request.Text, searcher.IndexReader);
        var filters = new SearchFilters(request);

        // One pass: top hits and every facet, a facet under a filter counting with every filter but its own.
        // Blank text matches every live offering: its facets depend on the filters only, and are remembered per reader.
        var facetKey = request.IncludeFacets && text.MatchesAll ? filters.Signature : null;
        var remembered = facetKey is null ? null : BrowseFacets.Get(searcher.IndexReader, facetKey);
        var top = new TopHitsCollector(request.Sort, offset + limit + 1 + (moved is null ? 0 : MovedCursorReach), cursor);
        var counter = request.IncludeFacets && remembered is null ? new FacetCounter() : null;
        var filter = new RequestFilter(filters, sideways: counter is not null);
        var collector = new SearchCollector(top, counter, filter);
        if (text.MatchesAll && text.Plan.Clauses.Count == 0 && counter is null)
        {
            // A browse (no text) whose facets are known: the first accepted documents in the sort's order.
            foreach (var segment in searcher.IndexReader.Leaves)
            {
                top.CollectInOrder(segment, BrowseOrder.For(segment.AtomicReader, request.Sort), filter.For(segment).Accepted);
            }
        }
        else if (text.MatchesAll)
        {
            Run(searcher, text.Plan.ToQuery(), filter, collector);
        }
        else
        {
            TextScorer.Run(searcher, text.Plan, filter, new TextSearchCollector(top, counter, filter), PostingsCacheBudgetBytes);
        }
        var facets = new Dictionary<string, IReadOnlyList<FacetCount>>(StringComparer.Ordinal);
        if (remembered is not null)
        {
            foreach (var (facet, counts) in remembered)
            {
                facets[facet] = counts;
            }
        }
        else if (counter is not null)
        {
            // Unfiltered facets first, as callers have always seen them.
            foreach (var facet in FacetNames.All.Where(f => !filters.Has(f)).Concat(FacetNames.All.Where(filters.Has)))
            {
                facets[facet] = counter.Result(facet);
            }
            if (facetKey is not null)
            {
                BrowseFacets.Add(searcher.IndexReader, facetKey, facets.ToArray());
            }
        }

        var ranked = top.Results();
        if (moved is not null)
        {
            offset = ResumeAfter(moved, ranked, top.TotalHits);
            start = offset;
        }
        var page = ranked.Skip(offset).Take(limit + 1).ToList();
        var foldedTerms = text.Terms.Select(t => t.Folded).ToArray();
        var hits = page.Take(limit).Select(h => ToHit(searcher, h, text.Terms, foldedTerms, request.Highlight)).ToList();
        var next = page.Count > limit && limit > 0 && request.WithNextCursor
            ? (top.CursorAfter(page[limit - 1]) with { Generation = generation, Position = start + limit, Total = top.TotalHits }).Encode(request.CursorScope())
            : null;
        return new OfferingSearchResult(top.TotalHits, hits, facets, next) { Start = start };
    }

    /// <summary>The reader version a cursor names (what <see cref="PagingSnapshots"/> keeps readers by).</summary>
    private static long VersionOf(IndexSearcher searcher) => searcher.IndexReader is DirectoryReader reader ? reader.Version : 0;

    /// <summary>Forgets the readers kept for cursors, as if every cursor out there were older than <see cref="PagingSnapshots.RetainFor"/>.</summary>
    internal void DropPagingSnapshots() => _live?.Snapshots?.DropAll();

    /// <summary>
    /// Where a relevance cursor whose reader is no longer kept (<see cref="PagingSnapshots"/>) goes on in the current
    /// ranking, best effort: after its last hit when that stands at or before its old place (hits before it left), else
    /// one before the old place (hits were published above it, or it scores lower now: what moved up is shown again rather
    /// than skipped); when it left, back from the old place by the hits that left the search since (a net count: with
    /// offerings published meanwhile it can fall short). Exact only when the snapshot is read instead.
    /// </summary>
    private static int ResumeAfter(SearchCursor moved, IReadOnlyList<RankedHit> ranked, long totalHits)
    {
        var position = (int)moved.Position!.Value;
        for (var i = 0; i < Math.Min(ranked.Count, position + MovedCursorReach); i++)
        {
            if (ranked[i].IdHash == moved.IdHash)
            {
                // Further down than its place: its own slot was freed too, and the hit after it moved up into it.
                return i + 1 <= position ? i + 1 : Math.Max(0, position - 1);
            }
        }
        var left = Math.Max(1, (moved.Total ?? totalHits) - totalHits); // the last hit itself at least
        return (int)Math.Max(0, position - left);
    }

    /// <summary>
    /// Searches each segment with the request's filter bits as its accepted documents (deletions
    /// included), as <see cref="IndexSearcher.Search(Query, ICollector)"/> does with deletions alone:
    /// the scorers skip rejected documents at the postings, and a disjunction may score out of order.
    /// </summary>
    private static void Run(IndexSearcher searcher, Query query, RequestFilter filter, SearchCollector collector)
    {
        var weight = searcher.CreateNormalizedWeight(query);
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            collector.SetNextReader(leaf);
            var scorer = weight.GetBulkScorer(leaf, !collector.AcceptsDocsOutOfOrder, filter.For(leaf).Accepted);
            scorer?.Score(collector);
        }
    }

    /// <summary>The query terms found in the offering's searched text (after folding), for explanations and highlights.</summary>
    private static List<QueryTerm> MatchedTerms(OfferingDocument offering, IReadOnlyList<QueryTerm> terms, string[] foldedTerms)
    {
        var found = new bool[terms.Count];
        SnippetHighlighter.FindTerms(
            new[] { offering.Title, offering.Summary, offering.Description, offering.SupplierName }.Concat(offering.Keywords).Concat(offering.Cases),
            foldedTerms,
            found);
        return terms.Where((_, i) => found[i]).ToList();
    }

    private static OfferingHit ToHit(IndexSearcher searcher, RankedHit ranked, IReadOnlyList<QueryTerm> terms, string[] foldedTerms, bool highlight)
    {
        var offering = OfferingFields.ReadSource(searcher, ranked.Doc);
        var matched = terms.Count == 0 ? [] : MatchedTerms(offering, terms, foldedTerms);
        var matchedFolded = matched.Select(t => t.Folded).ToList();
        var highlights = highlight
            && matched.Count > 0
            ? new[] { offering.Summary, offering.Description }
                .Select(t => SnippetHighlighter.Snippet(t, matchedFolded))
                .OfType<string>()
                .Distinct()
                .ToArray()
            : [];
        return new OfferingHit
        {
            Id = offering.Id,
            RevisionId = offering.RevisionId,
            Score = float.IsFinite(ranked.Score) ? ranked.Score : 0,
            Title = offering.Title,
            Summary = offering.Summary,
            SupplierId = offering.SupplierId,
            SupplierName = offering.SupplierName,
            Keywords = offering.Keywords,
            Directions = offering.Directions,
            SubDirections = offering.SubDirections,
            Type = offering.Type,
            Deployment = offering.Deployment,
            Districts = offering.Districts,
            PriceMinYuan = offering.PriceMinYuan,
            PriceMaxYuan = offering.PriceMaxYuan,
            ImplementationDays = offering.ImplementationDays,
            PublishedAt = offering.PublishedAt,
            Highlights = highlights,
            MatchedTerms = matched.Select(t => t.Display).Distinct(StringComparer.OrdinalIgnoreCase).ToArray(),
        };
    }
}
