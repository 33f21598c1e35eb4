namespace Marketplace.Search.Analysis;

/// <summary>Per-thread buffers for segmentation, grown to the longest block seen and reused.</summary>
internal sealed class SegmentationScratch
{
    [ThreadStatic]
    private static SegmentationScratch? _current;

    private int[] _routeEnds = new int[256];
    private double[] _routeScores = new double[257];
    private byte[] _states = new byte[1024];

    public static SegmentationScratch Current => _current ??= new SegmentationScratch();

    /// <summary>Room for a route over <paramref name="length"/> characters (ends) and its scores (one more).</summary>
    public (int[] Ends, double[] Scores) Route(int length)
    {
        if (_routeEnds.Length < length)
        {
            _routeEnds = new int[Math.Max(length, _routeEnds.Length * 2)];
            _routeScores = new double[_routeEnds.Length + 1];
        }
        return (_routeEnds, _routeScores);
    }

    /// <summary>Room for four HMM states per character.</summary>
    public byte[] StateBuffer(int length)
    {
        if (_states.Length < length * 4)
        {
            _states = new byte[Math.Max(length * 4, _states.Length * 2)];
        }
        return _states;
    }
}
