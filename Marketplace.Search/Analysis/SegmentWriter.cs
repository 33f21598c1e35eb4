namespace Marketplace.Search.Analysis;

/// <summary>Collects the words cut from a text, dropping those without a letter or digit (whitespace, punctuation).</summary>
internal readonly struct SegmentWriter(string text, List<Segment> segments)
{
    public void Add(int start, int end)
    {
        foreach (var c in text.AsSpan(start, end - start))
        {
            if (char.IsLetterOrDigit(c))
            {
                segments.Add(new Segment(text.Substring(start, end - start), start, end));
                return;
            }
        }
    }
}
