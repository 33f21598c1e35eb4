using System.Text;

namespace Marketplace.Search.Lucene;

/// <summary>
/// The query terms whose postings this node's searches keep decoded, saved in the index folder every minute and at
/// shutdown, so that a restarted process decodes what its predecessor's searches used before it reports ready (the
/// postings counterpart of a database's buffer-pool dump). Without it the first seconds after a restart decode every
/// everyday word the live searches meet. A missing or unreadable file only means a colder start.
/// </summary>
internal static class WarmTermsFile
{
    public const string FileName = "warm-terms.txt";

    /// <summary>Terms kept at most (the most valuable first): a few MiB of postings each thousand at 100,000 offerings.</summary>
    public const int MaxTerms = 20_000;

    public static IReadOnlyList<string> Read(string indexDirectory)
    {
        try
        {
            var path = Path.Combine(indexDirectory, FileName);
            return File.Exists(path)
                ? File.ReadLines(path, Encoding.UTF8).Where(line => line.Length > 0).Take(MaxTerms).ToList()
                : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DecoderFallbackException)
        {
            return [];
        }
    }

    /// <summary>Replaces the file atomically (a crash leaves the old list or the new one, never half of one).</summary>
    public static void Write(string indexDirectory, IEnumerable<string> terms)
    {
        var path = Path.Combine(indexDirectory, FileName);
        var temporary = path + ".tmp";
        File.WriteAllLines(temporary, terms.Where(t => t.Length > 0 && !t.Contains('\n') && !t.Contains('\r')).Take(MaxTerms), Encoding.UTF8);
        File.Move(temporary, path, overwrite: true);
    }
}
