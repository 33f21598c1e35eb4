using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.Standard;
using Lucene.Net.Analysis.TokenAttributes;

namespace Marketplace.Search.Analysis;

/// <summary>
/// One pass over the text producing exactly what <see cref="StandardBigramAnalyzer"/>'s chain (StandardTokenizer →
/// CJKWidthFilter → InvariantLowerCaseFilter → CJKBigramFilter) produces: terms, position increments, offsets and
/// types. That chain (the JFlex scanner, a culture-aware lower-casing call per Han character, the bigram filter's
/// per-code-point buffering) took about a tenth of a rebuild's CPU; here a Han run becomes its bigrams (a lone Han
/// character its unigram) and a Latin/digit run one folded, lower-cased word by the UAX #29 rules. A text with a character outside <see cref="BigramCharClasses"/> (kana,
/// Hangul, surrogate pairs, combining marks, …) goes through the reference chain instead.
/// </summary>
public sealed class ChineseBigramTokenizer : Tokenizer
{
    private const int MaxTokenLength = StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH;
    private static readonly string WordType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.ALPHANUM];
    private static readonly string NumberType = StandardTokenizer.TOKEN_TYPES[StandardTokenizer.NUM];

    private readonly ICharTermAttribute _term;
    private readonly IOffsetAttribute _offset;
    private readonly IPositionIncrementAttribute _position;
    private readonly ITypeAttribute _type;
    private char[] _text = new char[256];
    private int _length;
    private int _next;
    private int _hanNext;
    private int _hanEnd;
    private int _skipped;
    private Reference? _reference;
    private bool _referenceActive;

    public ChineseBigramTokenizer(TextReader input) : base(input)
    {
        _term = AddAttribute<ICharTermAttribute>();
        _offset = AddAttribute<IOffsetAttribute>();
        _position = AddAttribute<IPositionIncrementAttribute>();
        _type = AddAttribute<ITypeAttribute>();
    }

    public override bool IncrementToken()
    {
        ClearAttributes();
        if (_referenceActive)
        {
            return _reference!.CopyNext(this);
        }
        if (_hanNext + 1 < _hanEnd)
        {
            EmitHan(_hanNext++, 2, CJKBigramFilter.DOUBLE_TYPE);
            return true;
        }
        var text = _text;
        var length = _length;
        var i = _next;
        while (i < length)
        {
            var kind = BigramCharClasses.Of(text[i]);
            if (kind == BigramCharClass.Han)
            {
                var end = i + 1;
                while (end < length && BigramCharClasses.Of(text[end]) == BigramCharClass.Han)
                {
                    end++;
                }
                _skipped = 0;
                _next = end;
                if (end - i == 1)
                {
                    EmitHan(i, 1, CJKBigramFilter.SINGLE_TYPE);
                    return true;
                }
                _hanNext = i + 1;
                _hanEnd = end;
                EmitHan(i, 2, CJKBigramFilter.DOUBLE_TYPE);
                return true;
            }
            if (kind is BigramCharClass.Letter or BigramCharClass.Digit or BigramCharClass.Connector)
            {
                var end = WordEnd(text, length, i, out var numeric);
                if (end < 0)
                {
                    i = -end; // connectors not followed by a word: not a token
                    continue;
                }
                if (end - i > MaxTokenLength)
                {
                    _skipped++; // StandardTokenizer drops a too-long token but keeps its position
                    i = end;
                    continue;
                }
                EmitWord(i, end, numeric);
                _next = end;
                return true;
            }
            i++;
        }
        _next = length;
        return false;
    }

    public override void Reset()
    {
        base.Reset();
        _length = 0;
        int read;
        while ((read = m_input.Read(_text, _length, _text.Length - _length)) > 0)
        {
            _length += read;
            if (_length == _text.Length)
            {
                Array.Resize(ref _text, _text.Length * 2);
            }
        }
        _next = 0;
        _hanNext = 0;
        _hanEnd = 0;
        _skipped = 0;
        _referenceActive = !Handles(_text.AsSpan(0, _length));
        if (_referenceActive)
        {
            _reference ??= new Reference();
            _reference.Start(new string(_text, 0, _length));
        }
    }

    public override void End()
    {
        base.End();
        if (_referenceActive)
        {
            _reference!.CopyEnd(this);
            return;
        }
        var final = CorrectOffset(_length);
        _offset.SetOffset(final, final);
        _position.PositionIncrement += _skipped;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reference?.Close(); // the end of one use, as for every tokenizer: the chain is kept for the next
        }
        base.Dispose(disposing);
    }

    /// <summary>Whether the tokenizer analyses <paramref name="text"/> itself, rather than through the reference chain.</summary>
    public static bool Handles(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (BigramCharClasses.Of(c) == BigramCharClass.Unknown)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The end of the word starting at <paramref name="start"/> (UAX #29 WB5–WB13b: letters and digits run together,
    /// a middle character joins two letters or two digits, connectors join anything and stick to both ends), or the
    /// negated end of a connector run that no letter or digit follows.
    /// </summary>
    private static int WordEnd(char[] text, int length, int start, out bool numeric)
    {
        numeric = true;
        var i = start;
        while (i < length && BigramCharClasses.Of(text[i]) == BigramCharClass.Connector)
        {
            i++;
        }
        if (i == length || BigramCharClasses.Of(text[i]) is not (BigramCharClass.Letter or BigramCharClass.Digit))
        {
            return -i;
        }
        while (i < length)
        {
            var kind = BigramCharClasses.Of(text[i]);
            switch (kind)
            {
                case BigramCharClass.Letter:
                    numeric = false;
                    i++;
                    continue;
                case BigramCharClass.Digit:
                    i++;
                    continue;
                case BigramCharClass.Connector:
                    while (i < length && BigramCharClasses.Of(text[i]) == BigramCharClass.Connector)
                    {
                        i++;
                    }
                    continue; // a letter or digit goes on with the word; anything else ends it after the connectors
                case BigramCharClass.MidLetter or BigramCharClass.MidNumLet or BigramCharClass.MidNum when i + 1 < length:
                    var before = BigramCharClasses.Of(text[i - 1]);
                    var after = BigramCharClasses.Of(text[i + 1]);
                    var joins = before == after && (before == BigramCharClass.Letter
                        ? kind != BigramCharClass.MidNum
                        : before == BigramCharClass.Digit && kind != BigramCharClass.MidLetter);
                    if (!joins)
                    {
                        return i;
                    }
                    i++;
                    continue;
                default:
                    return i;
            }
        }
        return i;
    }

    private void EmitHan(int start, int count, string type)
    {
        var buffer = _term.ResizeBuffer(2);
        buffer[0] = _text[start];
        if (count == 2)
        {
            buffer[1] = _text[start + 1];
        }
        _term.Length = count;
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(start + count));
        _type.Type = type;
    }

    private void EmitWord(int start, int end, bool numeric)
    {
        var length = end - start;
        var buffer = _term.ResizeBuffer(length);
        for (var k = 0; k < length; k++)
        {
            buffer[k] = BigramCharClasses.TermChar(_text[start + k]);
        }
        _term.Length = length;
        _offset.SetOffset(CorrectOffset(start), CorrectOffset(end));
        _position.PositionIncrement = 1 + _skipped;
        _type.Type = numeric ? NumberType : WordType;
        _skipped = 0;
    }

    /// <summary>The reference chain, kept for texts outside the table.</summary>
    private sealed class Reference
    {
        private readonly Tokenizer _source;
        private readonly TokenStream _stream;
        private readonly ICharTermAttribute _term;
        private readonly IOffsetAttribute _offset;
        private readonly IPositionIncrementAttribute _position;
        private readonly ITypeAttribute _type;
        private bool _open;

        public Reference()
        {
            var components = StandardBigramAnalyzer.CreateChain(new StringReader(""));
            _source = components.Tokenizer;
            _stream = components.TokenStream;
            _term = _stream.AddAttribute<ICharTermAttribute>();
            _offset = _stream.AddAttribute<IOffsetAttribute>();
            _position = _stream.AddAttribute<IPositionIncrementAttribute>();
            _type = _stream.AddAttribute<ITypeAttribute>();
        }

        public void Start(string text)
        {
            Close();
            _source.SetReader(new StringReader(text));
            _stream.Reset();
            _open = true;
        }

        public bool CopyNext(ChineseBigramTokenizer target)
        {
            if (!_stream.IncrementToken())
            {
                return false;
            }
            target._term.CopyBuffer(_term.Buffer, 0, _term.Length);
            target._offset.SetOffset(target.CorrectOffset(_offset.StartOffset), target.CorrectOffset(_offset.EndOffset));
            target._position.PositionIncrement = _position.PositionIncrement;
            target._type.Type = _type.Type;
            return true;
        }

        public void CopyEnd(ChineseBigramTokenizer target)
        {
            _stream.End();
            target._offset.SetOffset(target.CorrectOffset(_offset.StartOffset), target.CorrectOffset(_offset.EndOffset));
            target._position.PositionIncrement = _position.PositionIncrement;
            Close();
        }

        public void Close()
        {
            if (_open)
            {
                _stream.Dispose();
                _open = false;
            }
        }
    }
}
