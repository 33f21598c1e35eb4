using Lucene.Net.Analysis;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search.Analysis;

/// <summary>
/// A Lucene tokenizer over <see cref="JiebaSegmentation"/>: folds the text (full-width, case),
/// segments it into words (domain terms kept whole, Latin acronyms such as MES or 5G kept as one
/// lower-case token, never stemmed) and drops stop words, leaving position gaps where they were.
/// </summary>
public sealed class JiebaTokenizer : Tokenizer
{
    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private List<Segment> _segments = [];
    private int _next;
    private int _length;

    public JiebaTokenizer(TextReader input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        var skipped = 0;
        while (_next < _segments.Count)
        {
            var segment = _segments[_next++];
            if (StopWords.Chinese.Contains(segment.Text))
            {
                skipped++;
                continue;
            }
            _term.SetEmpty().Append(segment.Text);
            _offset.SetOffset(CorrectOffset(segment.Start), CorrectOffset(segment.End));
            _position.PositionIncrement = 1 + skipped;
            return true;
        }
        return false;
    }

    public override void Reset()
    {
        base.Reset();
        var text = m_input.ReadToEnd();
        _length = text.Length;
        _segments = JiebaSegmentation.Segment(TextFolding.Fold(text));
        _next = 0;
    }

    public override void End()
    {
        base.End();
        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
    }
}
