using System.Diagnostics;
using Marketplace.Core.Offerings;
using Marketplace.Core.Searching;
using Marketplace.Core.Taxonomy;
using Marketplace.Search.Indexing;
using Marketplace.Search.Lucene;

namespace Marketplace.Bench.Generation;

/// <summary>
/// <c>rebuild --data DIR [--batch 1000] [--ram-buffer-mb 192]</c>: a full rebuild of DIR/index from SQL, as the admin rebuild does
/// (<see cref="IOfferingIndex.BeginRebuildAsync"/> + <see cref="OfferingStore.LiveDocumentBatchesAsync"/> read one batch ahead + swap),
/// timed with a breakdown: waiting for rows from SQL (read meanwhile) vs analysing and adding documents vs the final commit and swap.
/// The API must not be running on DIR (Lucene's write lock).
/// </summary>
public static class RebuildCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var data = Path.GetFullPath(args.Required("data"));
        var db = BenchStorage.Open(data);
        var offerings = new OfferingStore(db, TaxonomyCatalog.Default, TimeProvider.System);
        await RebuildAsync(data, offerings, CancellationToken.None, args.Int("batch", 1_000), args.Int("ram-buffer-mb", 0));
        return 0;
    }

    public static async Task RebuildAsync(string data, OfferingStore offerings, CancellationToken ct, int batchSize = 1_000, int ramBufferMb = 0)
    {
        var bufferMb = ramBufferMb > 0 ? ramBufferMb : LuceneIndexOptions.DefaultRebuildRamBufferSizeMb;
        var open = Stopwatch.StartNew();
        // No background warm-up of the postings: this process only rebuilds, and the warm-up would take CPU from it.
        await using var index = new LuceneOfferingIndex(new LuceneIndexOptions
        {
            IndexDirectory = BenchStorage.IndexDirectory(data),
            WarmUpPostings = false,
            RebuildRamBufferSizeMb = bufferMb,
        },
            Thesaurus.Default, TaxonomyCatalog.Default);
        await index.EnsureCreatedAsync(ct);
        Console.WriteLine($"index: opened {BenchStorage.IndexDirectory(data)} in {open.Elapsed.TotalSeconds:F1} s (jieba dictionary, thesaurus)");

        var cpuBefore = Environment.CpuUsage.TotalTime;
        var total = Stopwatch.StartNew();
        var read = new Stopwatch();
        var add = new Stopwatch();
        var documents = 0;
        await using (var rebuild = await index.BeginRebuildAsync(ct))
        {
            var batches = offerings.LiveDocumentBatchesAsync(batchSize, ct).ReadAheadAsync(1, ct).GetAsyncEnumerator(ct);
            try
            {
                while (true)
                {
                    read.Start();
                    var more = await batches.MoveNextAsync();
                    read.Stop();
                    if (!more)
                    {
                        break;
                    }
                    add.Start();
                    await rebuild.AddAsync(batches.Current, ct);
                    add.Stop();
                    documents += batches.Current.Count;
                    if (documents % 20_000 < batchSize)
                    {
                        Console.WriteLine($"  rebuilt {documents:N0}, {documents / total.Elapsed.TotalSeconds:F0}/s");
                    }
                }
            }
            finally
            {
                await batches.DisposeAsync();
            }
            var swap = Stopwatch.StartNew();
            await rebuild.SwapAsync(ct);
            swap.Stop();
            total.Stop();
            // CPU time next to wall time: on a shared machine the wall time also counts what other processes took.
            var cpu = Environment.CpuUsage.TotalTime - cpuBefore;
            Console.WriteLine($"rebuild: {documents:N0} offerings in {total.Elapsed.TotalSeconds:F1} s = {documents / total.Elapsed.TotalSeconds:F0} offerings/s " +
                $"(buffer {bufferMb:F0} MiB, waiting for SQL {read.Elapsed.TotalSeconds:F1} s, analyse+add {add.Elapsed.TotalSeconds:F1} s, commit+swap {swap.Elapsed.TotalSeconds:F1} s; batch {batchSize}; " +
                $"CPU {cpu.TotalSeconds:F1} s = {cpu.TotalMilliseconds / documents:F2} ms per offering)");
        }
        var size = new DirectoryInfo(BenchStorage.IndexDirectory(data)).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        var dbSize = new DirectoryInfo(data).EnumerateFiles("marketplace.db*").Sum(f => f.Length);
        Console.WriteLine($"sizes: index {size / 1048576.0:F0} MiB, SQLite {dbSize / 1048576.0:F0} MiB");
    }
}
