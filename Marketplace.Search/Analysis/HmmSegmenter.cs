using System.Text.Json;

namespace Marketplace.Search.Analysis;

/// <summary>
/// jieba.NET's <c>FinalSeg</c>: cuts a run of characters that the dictionary route left as single
/// characters. Han characters (U+4E00–U+9FD5) are tagged B/M/E/S (begin, middle, end, single) by
/// Viterbi over the HMM of <c>prob_trans.json</c> and <c>prob_emit.json</c>; the others (ASCII letters,
/// digits and the symbols of jieba's blocks) are split into Latin/digit words, with an optional
/// decimal part and percent sign as in "3.5%", and the symbols between them, which are dropped.
/// Scores are summed in jieba's order and ties broken its way, so the tags are identical.
/// </summary>
internal sealed class HmmSegmenter
{
    private const char FirstHan = '\u4E00';
    private const char LastHan = '\u9FD5';
    private const double MinProbability = -3.14e100;
    private const int B = 0, M = 1, E = 2, S = 3;

    // jieba.NET's start probabilities are constants in its code, not read from a file.
    private const double StartB = -0.26268660809250016, StartM = MinProbability, StartE = MinProbability, StartS = -1.4652633398537678;

    private readonly double _bToM, _bToE, _mToM, _mToE, _eToB, _eToS, _sToB, _sToS;
    // Emission log-probabilities of the Han range, four states per character side by side.
    private readonly double[] _emissions;

    private HmmSegmenter(double[] transitions, double[] emissions)
    {
        (_bToM, _bToE, _mToM, _mToE) = (transitions[B * 4 + M], transitions[B * 4 + E], transitions[M * 4 + M], transitions[M * 4 + E]);
        (_eToB, _eToS, _sToB, _sToS) = (transitions[E * 4 + B], transitions[E * 4 + S], transitions[S * 4 + B], transitions[S * 4 + S]);
        _emissions = emissions;
    }

    public static HmmSegmenter Load(string directory)
    {
        var transitions = new double[16];
        Array.Fill(transitions, MinProbability);
        foreach (var (from, to, probability) in ReadTable(Path.Combine(directory, "prob_trans.json")))
        {
            transitions[State(from) * 4 + State(to)] = probability;
        }
        var emissions = new double[(LastHan - FirstHan + 1) * 4];
        Array.Fill(emissions, MinProbability);
        foreach (var (state, character, probability) in ReadTable(Path.Combine(directory, "prob_emit.json")))
        {
            if (character.Length == 1 && IsHan(character[0]))
            {
                emissions[(character[0] - FirstHan) * 4 + State(state)] = probability;
            }
        }
        return new HmmSegmenter(transitions, emissions);
    }

    public static bool IsHan(char c) => c is >= FirstHan and <= LastHan;

    /// <summary>Cuts <c>text[start..end)</c> into words for <paramref name="output"/>.</summary>
    public void Cut(string text, int start, int end, SegmentationScratch scratch, SegmentWriter output)
    {
        var i = start;
        while (i < end)
        {
            var runEnd = i + 1;
            var han = IsHan(text[i]);
            while (runEnd < end && IsHan(text[runEnd]) == han)
            {
                runEnd++;
            }
            if (han)
            {
                Viterbi(text, i, runEnd, scratch, output);
            }
            else
            {
                CutLatin(text, i, runEnd, output);
            }
            i = runEnd;
        }
    }

    private void Viterbi(string text, int start, int end, SegmentationScratch scratch, SegmentWriter output)
    {
        var n = end - start;
        var back = scratch.StateBuffer(n);
        var emissions = _emissions;
        var e0 = (text[start] - FirstHan) * 4;
        var b = StartB + emissions[e0 + B];
        var m = StartM + emissions[e0 + M];
        var e = StartE + emissions[e0 + E];
        var s = StartS + emissions[e0 + S];
        for (var j = 1; j < n; j++)
        {
            var emission = (text[start + j] - FirstHan) * 4;
            // Each state's predecessors in jieba's order; on a tie the second one wins (jieba compares with <=).
            var (nextB, fromB) = Best(e + _eToB + emissions[emission + B], E, s + _sToB + emissions[emission + B], S);
            var (nextM, fromM) = Best(m + _mToM + emissions[emission + M], M, b + _bToM + emissions[emission + M], B);
            var (nextE, fromE) = Best(b + _bToE + emissions[emission + E], B, m + _mToE + emissions[emission + E], M);
            var (nextS, fromS) = Best(s + _sToS + emissions[emission + S], S, e + _eToS + emissions[emission + S], E);
            var row = j * 4;
            back[row + B] = fromB;
            back[row + M] = fromM;
            back[row + E] = fromE;
            back[row + S] = fromS;
            (b, m, e, s) = (nextB, nextM, nextE, nextS);
        }

        // Walk the back pointers from the last state (E unless S is strictly better), storing the
        // path in the B slots, which are no longer needed once read.
        var state = e < s ? (byte)S : (byte)E;
        for (var j = n - 1; j > 0; j--)
        {
            var previous = back[j * 4 + state];
            back[j * 4] = state;
            state = previous;
        }
        back[0] = state;

        var begin = 0;
        for (var j = 0; j < n; j++)
        {
            switch (back[j * 4])
            {
                case B:
                    begin = j;
                    break;
                case E:
                    output.Add(start + begin, start + j + 1);
                    break;
                case S:
                    output.Add(start + j, start + j + 1);
                    break;
            }
        }
    }

    private static (double Score, byte From) Best(double first, byte firstState, double second, byte secondState) =>
        first <= second ? (second, secondState) : (first, firstState);

    // jieba's re_skip, ([a-zA-Z0-9]+(?:\.\d+)?%?): its matches and the gaps between them are words; the
    // gaps hold no letter or digit (the text comes from a Han block), so only the matches are kept.
    private static void CutLatin(string text, int start, int end, SegmentWriter output)
    {
        var i = start;
        while (i < end)
        {
            if (!char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
                continue;
            }
            var j = i + 1;
            while (j < end && char.IsAsciiLetterOrDigit(text[j]))
            {
                j++;
            }
            if (j + 1 < end && text[j] == '.' && char.IsAsciiDigit(text[j + 1]))
            {
                j += 2;
                while (j < end && char.IsAsciiDigit(text[j]))
                {
                    j++;
                }
            }
            if (j < end && text[j] == '%')
            {
                j++;
            }
            output.Add(i, j);
            i = j;
        }
    }

    private static int State(string name) => name switch
    {
        "B" => B,
        "M" => M,
        "E" => E,
        "S" => S,
        _ => throw new InvalidDataException($"Unknown HMM state '{name}'."),
    };

    private static IEnumerable<(string Outer, string Inner, double Value)> ReadTable(string path)
    {
        var table = JsonSerializer.Deserialize<Dictionary<string, Dictionary<string, double>>>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"Empty HMM table {path}.");
        return table.SelectMany(outer => outer.Value.Select(inner => (outer.Key, inner.Key, inner.Value)));
    }
}
