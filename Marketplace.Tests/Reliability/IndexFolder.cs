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
}
