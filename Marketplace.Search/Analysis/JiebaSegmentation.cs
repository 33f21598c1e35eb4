using JiebaNet.Segmenter;

namespace Marketplace.Search.Analysis;

/// <summary>A word found by the segmenter: folded text and its span in the folded input.</summary>
public readonly record struct Segment(string Text, int Start, int End);

/// <summary>
/// The process-wide jieba.NET segmenter. Its dictionaries (several MB) are loaded once, from the
/// <c>Resources/</c> folder that Marketplace.Search.csproj copies next to every consumer's binaries.
/// Domain terms are added as user words (jieba's dictionary is global, so this is global too);
/// segmentation takes a read lock so that adding words never races a running cut.
/// </summary>
public static class JiebaSegmentation
{
    private static readonly Lazy<JiebaSegmenter> Segmenter = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ReaderWriterLockSlim Gate = new();
    private static readonly HashSet<string> UserWords = new(StringComparer.Ordinal);

    /// <summary>Where the dictionaries are read from: <c>Resources/</c> beside the application's binaries.</summary>
    public static string ResourceDirectory => Path.Combine(AppContext.BaseDirectory, "Resources");

    /// <summary>Adds domain terms (folded) to the segmenter's dictionary so they are kept whole.</summary>
    public static void AddUserWords(IEnumerable<string> words)
    {
        var fresh = words
            .Select(w => TextFolding.Fold(w.Trim()))
            .Where(IsUsableWord)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var segmenter = Segmenter.Value;
        Gate.EnterWriteLock();
        try
        {
            foreach (var word in fresh)
            {
                if (UserWords.Add(word))
                {
                    segmenter.AddWord(word);
                }
            }
        }
        finally
        {
            Gate.ExitWriteLock();
        }
    }

    /// <summary>Segments already folded text into words; whitespace and punctuation are dropped.</summary>
    public static List<Segment> Segment(string foldedText)
    {
        var result = new List<Segment>();
        if (string.IsNullOrWhiteSpace(foldedText))
        {
            return result;
        }
        var segmenter = Segmenter.Value;
        Gate.EnterReadLock();
        try
        {
            foreach (var token in segmenter.Tokenize(foldedText, TokenizerMode.Default, hmm: true))
            {
                if (token.Word.Any(char.IsLetterOrDigit))
                {
                    result.Add(new Segment(token.Word, token.StartIndex, token.EndIndex));
                }
            }
        }
        finally
        {
            Gate.ExitReadLock();
        }
        return result;
    }

    // jieba's dictionary format is "word freq tag": no whitespace inside a word; long problem
    // statements are sentences rather than words and would only hurt segmentation.
    private static bool IsUsableWord(string word) =>
        word.Length is > 1 and <= 12 && !word.Any(char.IsWhiteSpace) && word.Any(char.IsLetterOrDigit);

    private static JiebaSegmenter Create()
    {
        var directory = ResourceDirectory;
        if (!File.Exists(Path.Combine(directory, "dict.txt")))
        {
            throw new FileNotFoundException(
                $"jieba.NET dictionaries not found in {directory}; Marketplace.Search.csproj copies them to the output folder.",
                Path.Combine(directory, "dict.txt"));
        }
        ConfigManager.ConfigFileBaseDir = directory;
        return new JiebaSegmenter();
    }
}
