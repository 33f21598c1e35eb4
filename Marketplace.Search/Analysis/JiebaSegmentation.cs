namespace Marketplace.Search.Analysis;

/// <summary>A word found by the segmenter: folded text and its span in the folded input.</summary>
public readonly record struct Segment(string Text, int Start, int End);

/// <summary>
/// The process-wide segmenter: a <see cref="WordSegmenter"/> over jieba's dictionaries (several MB,
/// loaded once from the <c>Resources/</c> folder that Marketplace.Search.csproj copies next to every
/// consumer's binaries), giving the words of jieba.NET. Domain terms are added as user words, in the
/// order given, each once; adding words never races a running segmentation.
/// </summary>
public static class JiebaSegmentation
{
    private static readonly Lazy<WordSegmenter> Segmenter = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> UserWords = new(StringComparer.Ordinal);

    /// <summary>Where the dictionaries are read from: <c>Resources/</c> beside the application's binaries.</summary>
    public static string ResourceDirectory => Path.Combine(AppContext.BaseDirectory, "Resources");

    /// <summary>Adds domain terms (folded) to the segmenter's dictionary so they are kept whole.</summary>
    public static void AddUserWords(IEnumerable<string> words)
    {
        var usable = UsableUserWords(words);
        var segmenter = Segmenter.Value;
        lock (Gate)
        {
            segmenter.AddWords(usable.Where(UserWords.Add).ToList()); // HashSet.Add: only words not added before
        }
    }

    /// <summary>Segments already folded text into words; whitespace and punctuation are dropped.</summary>
    public static List<Segment> Segment(string foldedText) =>
        string.IsNullOrWhiteSpace(foldedText) ? [] : Segmenter.Value.Segment(foldedText);

    /// <summary>The dictionary words inside a long word (<see cref="WordSegmenter.SubWords"/>).</summary>
    public static List<Segment> SubWords(Segment word) => Segmenter.Value.SubWords(word);

    /// <summary>The words that <see cref="AddUserWords"/> adds for <paramref name="words"/> (before skipping those already added).</summary>
    internal static List<string> UsableUserWords(IEnumerable<string> words) => words
        .Select(w => TextFolding.Fold(w.Trim()))
        .Where(IsUsableWord)
        .Distinct(StringComparer.Ordinal)
        .ToList();

    // jieba's dictionary format is "word freq tag": no whitespace inside a word; long problem
    // statements are sentences rather than words and would only hurt segmentation.
    private static bool IsUsableWord(string word) =>
        word.Length is > 1 and <= 12 && !word.Any(char.IsWhiteSpace) && word.Any(char.IsLetterOrDigit);

    private static WordSegmenter Create()
    {
        var directory = ResourceDirectory;
        if (!File.Exists(Path.Combine(directory, "dict.txt")))
        {
            throw new FileNotFoundException(
                $"jieba dictionaries not found in {directory}; Marketplace.Search.csproj copies them to the output folder.",
                Path.Combine(directory, "dict.txt"));
        }
        return WordSegmenter.Load(directory);
    }
}
