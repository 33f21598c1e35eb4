using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Search.Lucene;

/// <summary>
/// One physical index (<c>gen-&lt;n&gt;</c>): its directory, its single long-lived writer, an
/// optional near-real-time searcher manager and the id → indexed version map used by the
/// version guard (loaded from the index on open, kept in step with every write).
/// Not thread-safe for writes: the owner serializes them.
/// </summary>
internal sealed class IndexGeneration : IDisposable
{
    private readonly LuceneDirectory _directory;
    private readonly Dictionary<Guid, long> _versions;

    /// <summary>The ids of batches that failed part-way: some of their documents may be here although the version map did not move.</summary>
    private readonly HashSet<Guid> _maybeWritten = [];

    /// <summary>
    /// What the version map said, before the writes since the last commit, of each offering they changed: a commit that
    /// fails (a full disk) may have discarded those documents, so the map goes back and a retry writes them again.
    /// </summary>
    private readonly Dictionary<Guid, long?> _uncommitted = [];

    private IndexGeneration(int number, string path, LuceneDirectory directory, IndexWriter writer, Dictionary<Guid, long> versions)
    {
        Number = number;
        Path = path;
        _directory = directory;
        Writer = writer;
        _versions = versions;
    }

    public int Number { get; }

    public string Path { get; }

    public IndexWriter Writer { get; }

    public SearcherManager? Searchers { get; private set; }

    /// <summary>
    /// The searchers that served pages lately, by reader version: a cursor goes on over the same snapshot it was read from,
    /// so that publishing, editing or retiring offerings between pages moves nothing under it (see <see cref="PagingSnapshots"/>).
    /// </summary>
    public PagingSnapshots? Snapshots { get; private set; }

    /// <summary>Indexing buffer of a live generation: its writes are committed per batch, far below it, so not a setting.</summary>
    private const double LiveRamBufferMb = 32;

    /// <summary>A live generation (opened at start-up, or created empty).</summary>
    public static IndexGeneration Open(string path, int number, Analyzer analyzer, bool create) =>
        Open(path, number, analyzer, LiveRamBufferMb, create, compoundFiles: true);

    /// <summary>
    /// A new, empty generation for a rebuild: its flushed segments are left as plain files (not packed into a
    /// compound file) since <see cref="FinishRebuild"/> merges them all into one anyway.
    /// </summary>
    public static IndexGeneration CreateForRebuild(string path, int number, Analyzer analyzer, double ramBufferMb) =>
        Open(path, number, analyzer, ramBufferMb, create: true, compoundFiles: false);

    private static IndexGeneration Open(string path, int number, Analyzer analyzer, double ramBufferMb, bool create, bool compoundFiles)
    {
        System.IO.Directory.CreateDirectory(path);
        return Open(FSDirectory.Open(path), path, number, analyzer, ramBufferMb, create, compoundFiles);
    }

    /// <summary>Opens a generation on a directory it then owns (tests wrap the file system's to make writes fail).</summary>
    internal static IndexGeneration Open(LuceneDirectory directory, string path, int number, Analyzer analyzer, double ramBufferMb, bool create, bool compoundFiles)
    {
        try
        {
            var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, analyzer)
            {
                // An existing generation must have a commit: an emptied folder is damage to report, not a new empty index.
                OpenMode = create ? OpenMode.CREATE : OpenMode.APPEND,
                RAMBufferSizeMB = ramBufferMb,
                UseCompoundFile = compoundFiles,
                Similarity = OfferingSimilarity.Instance,
            };
            var writer = new IndexWriter(directory, config);
            if (create)
            {
                writer.Commit(); // an empty index on disk from the start: a restart can always open it
            }
            return new IndexGeneration(number, path, directory, writer, LoadVersions(writer));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Verifies the checksum of every file of the last commit (reads the whole generation once, which also brings it into
    /// the page cache); throws <see cref="CorruptIndexException"/> or an I/O error for a damaged generation.
    /// </summary>
    public void CheckIntegrity()
    {
        using var reader = DirectoryReader.Open(Writer, applyAllDeletes: false);
        foreach (var leaf in reader.Leaves)
        {
            leaf.AtomicReader.CheckIntegrity();
        }
    }

    /// <summary>The indexed version of an offering's document (live or tombstone); 0 when it has none.</summary>
    public long VersionOf(Guid id) => _versions.TryGetValue(id, out var version) ? version : 0;

    public void StartSearching()
    {
        Searchers ??= new SearcherManager(Writer, applyAllDeletes: true, new FacetWarmingSearcherFactory());
        Snapshots ??= new PagingSnapshots();
    }

    /// <summary>
    /// Ends a rebuild: the one commit, then the writer settings of a live generation for the writes that follow the
    /// swap, and a searcher.
    /// </summary>
    public void FinishRebuild()
    {
        // The rebuild's flushes leave a few segments (one or two per indexing thread). They are not forced into one:
        // that single-threaded pass over the whole index took a fifth of a rebuild (about 3 s at 100,000 offerings) and
        // saves only about 5 % of a search's CPU now that text searches run over cached per-segment postings
        // (TextScorer); the merge policy merges them as segments accumulate.
        Commit();
        Writer.Config.RAMBufferSizeMB = LiveRamBufferMb;
        Writer.Config.UseCompoundFile = true;
        StartSearching();
    }

    /// <summary>
    /// Writes the newest version of each document whose version is above the indexed one;
    /// returns whether anything was written. The version map moves only after the writer accepted
    /// the batch, so a failed batch can be retried. A <paramref name="bulk"/> batch (a rebuild's, into a generation
    /// this code created) is analysed on every core and adds the ids this generation has no document of without a
    /// delete term: a buffered delete per document would be applied at every flush, for nothing.
    /// </summary>
    public bool Apply(IReadOnlyList<OfferingDocument> documents, TaxonomyCatalog taxonomy, bool bulk)
    {
        var newer = documents
            .GroupBy(d => d.Id)
            .Select(g => g.MaxBy(d => d.Version)!)
            .Where(d => !_versions.TryGetValue(d.Id, out var indexed) || indexed < d.Version)
            .ToList();
        if (newer.Count == 0)
        {
            return false;
        }
        var absent = bulk ? newer.Select(d => d.Id).Where(id => !_versions.ContainsKey(id) && !_maybeWritten.Contains(id)).ToHashSet() : [];
        try
        {
            if (bulk && newer.Count >= 256)
            {
                // Analysis (jieba) dominates; IndexWriter accepts documents from several threads at once.
                Parallel.ForEach(newer, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
                    () => new OfferingDocumentBuilder(taxonomy),
                    (document, _, builder) =>
                    {
                        Write(document, builder, absent.Contains(document.Id));
                        return builder;
                    },
                    _ => { });
            }
            else
            {
                var builder = new OfferingDocumentBuilder(taxonomy);
                foreach (var document in newer)
                {
                    Write(document, builder, absent.Contains(document.Id));
                }
            }
        }
        catch
        {
            _maybeWritten.UnionWith(newer.Select(d => d.Id));
            throw;
        }
        foreach (var document in newer)
        {
            if (!bulk) // a rebuild whose commit fails is abandoned as a whole
            {
                _uncommitted.TryAdd(document.Id, _versions.TryGetValue(document.Id, out var before) ? before : null);
            }
            _versions[document.Id] = document.Version;
        }
        return true;
    }

    /// <summary>
    /// Commits the writes applied since the last commit. When the commit fails, the version map no longer counts them as
    /// indexed (Lucene may have dropped the buffered documents), so the retry of the batch writes them again instead of
    /// finding them current and completing the outbox rows over an index that lacks them.
    /// </summary>
    public void Commit()
    {
        try
        {
            Writer.Commit();
        }
        catch
        {
            foreach (var (id, before) in _uncommitted)
            {
                if (before is { } version)
                {
                    _versions[id] = version;
                }
                else
                {
                    _versions.Remove(id);
                }
                _maybeWritten.Add(id);
            }
            _uncommitted.Clear();
            throw;
        }
        _uncommitted.Clear();
    }

    public void Dispose() => Close(() => Writer.Dispose()); // commits pending changes

    /// <summary>Closes without committing: used for an abandoned rebuild.</summary>
    public void Abandon() => Close(Writer.Rollback);

    /// <summary>Lets the searchers go, then closes the writer and the directory whatever letting them go threw: a writer left open would go on merging into a folder the node no longer owns.</summary>
    private void Close(Action closeWriter)
    {
        try
        {
            Snapshots?.Dispose();
        }
        finally
        {
            try
            {
                Searchers?.Dispose();
            }
            finally
            {
                try
                {
                    closeWriter();
                }
                finally
                {
                    _directory.Dispose();
                }
            }
        }
    }

    private void Write(OfferingDocument document, OfferingDocumentBuilder builder, bool absent)
    {
        var fields = builder.Build(document);
        if (absent)
        {
            Writer.AddDocument(fields);
        }
        else
        {
            Writer.UpdateDocument(new Term(OfferingFields.Id, OfferingFields.IdTerm(document.Id)), fields);
        }
    }

    /// <summary>Every document of <paramref name="reader"/> (live offerings and tombstones) with its version.</summary>
    public static IReadOnlyDictionary<Guid, IndexedVersion> ReadVersions(IndexReader reader)
    {
        var documents = new Dictionary<Guid, IndexedVersion>();
        var bytes = new BytesRef();
        foreach (var leaf in reader.Leaves)
        {
            var atomic = leaf.AtomicReader;
            var ids = atomic.GetBinaryDocValues(OfferingFields.IdBytes);
            var numbers = atomic.GetNumericDocValues(OfferingFields.Version);
            if (ids is null || numbers is null)
            {
                continue;
            }
            var live = LiveOnlyFilter.LiveBits(atomic);
            var notDeleted = atomic.LiveDocs;
            for (var doc = 0; doc < atomic.MaxDoc; doc++)
            {
                if (notDeleted is not null && !notDeleted.Get(doc))
                {
                    continue;
                }
                ids.Get(doc, bytes);
                documents[new Guid(bytes.Bytes.AsSpan(bytes.Offset, bytes.Length))] = new IndexedVersion(numbers.Get(doc), live.Get(doc));
            }
        }
        return documents;
    }

    private static Dictionary<Guid, long> LoadVersions(IndexWriter writer)
    {
        using var reader = DirectoryReader.Open(writer, applyAllDeletes: true);
        return ReadVersions(reader).ToDictionary(d => d.Key, d => d.Value.Version);
    }
}
