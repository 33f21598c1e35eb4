using Lucene.Net.Index;
using Lucene.Net.Store;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Analysis;
using Marketplace.Search.Lucene;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace Marketplace.Tests.Search;

/// <summary>
/// A commit that fails (the index's disk is full) must leave its documents to be written again: were they counted as
/// indexed, the indexer's retry of the batch would find them current and complete the outbox rows over an index that
/// lacks them.
/// </summary>
public class IndexCommitFailureTests
{
    private string _root = "";

    [SetUp]
    public void CreateFolder() => _root = System.IO.Directory.CreateTempSubdirectory("marketplace-commit-").FullName;

    [TearDown]
    public void DeleteFolder() => System.IO.Directory.Delete(_root, recursive: true);

    [Test]
    public void A_batch_whose_commit_failed_is_written_again_by_its_retry()
    {
        var disk = new FailingDirectory(FSDirectory.Open(_root));
        using var generation = IndexGeneration.Open(disk, _root, 1, OfferingAnalysis.CreateIndexAnalyzer(OfferingFields.BigramFields),
            ramBufferMb: 16, create: true, compoundFiles: true);
        var kept = Offering("弧焊机器人工作站", version: 1);
        Assert.That(generation.Apply([kept], TaxonomyCatalog.Default, bulk: false), Is.True);
        generation.Commit();

        var lost = Offering("立体仓库管理系统", version: 1);
        var edited = kept with { Title = "弧焊机器人工作站（第二版）", Version = 2 };
        Assert.That(generation.Apply([lost, edited], TaxonomyCatalog.Default, bulk: false), Is.True);
        disk.Full = true;
        Assert.Throws(Is.InstanceOf<IOException>(), generation.Commit);
        Assert.That(generation.VersionOf(lost.Id), Is.Zero, "not counted as indexed");
        Assert.That(generation.VersionOf(kept.Id), Is.EqualTo(1), "back to the committed version");

        disk.Full = false;
        Assert.That(generation.Apply([lost, edited], TaxonomyCatalog.Default, bulk: false), Is.True, "the retry writes the batch again");
        generation.Commit();
        using var reader = DirectoryReader.Open(disk);
        var versions = IndexGeneration.ReadVersions(reader);
        Assert.That(versions.Keys, Is.EquivalentTo(new[] { kept.Id, lost.Id }));
        Assert.That(versions[kept.Id].Version, Is.EqualTo(2));
    }

    private static OfferingDocument Offering(string title, long version) => new()
    {
        Id = Guid.NewGuid(),
        RevisionId = Guid.NewGuid(),
        Title = title,
        Summary = title,
        Directions = ["general"],
        Version = version,
        Live = true,
    };

    /// <summary>The file system's directory, refusing to create files while <see cref="Full"/> (as a full disk does).</summary>
    private sealed class FailingDirectory(LuceneDirectory inner) : FilterDirectory(inner)
    {
        public bool Full { get; set; }

        public override IndexOutput CreateOutput(string name, IOContext context) =>
            Full ? throw new IOException("No space left on device") : base.CreateOutput(name, context);
    }
}
