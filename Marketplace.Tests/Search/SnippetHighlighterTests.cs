using System.Text;
using Marketplace.Search.Lucene;

namespace Marketplace.Tests.Search;

public class SnippetHighlighterTests
{
    /// <summary>A window edge inside an emoji would leave half a surrogate pair, which JSON writes as U+FFFD.</summary>
    [TestCase(10, 60)]
    [TestCase(9, 61)]
    [TestCase(11, 59)]
    [TestCase(40, 40)]
    public void A_snippet_never_cuts_an_emoji_in_half(int before, int after)
    {
        var text = "ab" + string.Concat(Enumerable.Repeat("😀", before)) + "真空钎焊炉" + string.Concat(Enumerable.Repeat("😀", after));

        var snippet = SnippetHighlighter.Snippet(text, ["真空钎焊炉"]);

        Assert.That(snippet, Does.Contain("<em>真空钎焊炉</em>"));
        Assert.That(snippet!.EnumerateRunes().All(r => r != Rune.ReplacementChar), Is.True);
        Assert.That(Enumerable.Range(0, snippet.Length).All(i => !char.IsSurrogate(snippet[i]) || char.IsSurrogatePair(snippet, char.IsHighSurrogate(snippet[i]) ? i : i - 1)), Is.True, snippet);
    }
}
