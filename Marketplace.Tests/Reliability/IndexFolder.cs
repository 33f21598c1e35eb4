using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Reliability;

/// <summary>File-level handling of a Lucene index folder while no API runs, as an operator (or an accident) would.</summary>
internal static class IndexFolder
{
    /// <summary>The folder of the generation the pointer names.</summary>
    public static string CurrentGeneration(string index) =>
        Path.Combine(index, "gen-" + File.ReadAllText(Path.Combine(index, LuceneOfferingIndex.GenerationPointerFile)).Trim());

    /// <summary>Copies a folder and its subfolders, leaving out Lucene's lock files.</summary>
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var directory in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, directory)));
        }
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "write.lock"))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    /// <summary>
    /// Deletes the folder of an index whose API was just stopped. Retried for a few seconds: once in CI an entry appeared
    /// in the folder while it was being deleted; which one is written to the test output if it happens again.
    /// </summary>
    public static void Delete(string index)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (Directory.Exists(index))
        {
            try
            {
                Directory.Delete(index, recursive: true);
                return;
            }
            catch (IOException e) when (DateTime.UtcNow < deadline)
            {
                var left = Directory.Exists(index)
                    ? string.Join(", ", Directory.GetFileSystemEntries(index, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(index, f)))
                    : "(folder gone)";
                TestContext.Out.WriteLine($"Deleting {index} failed ({e.Message}); left: {left}; retrying");
                Thread.Sleep(100);
            }
        }
    }
}
