using System.Globalization;

namespace Marketplace.Bench;

/// <summary>Latency summary by nearest rank over all samples (milliseconds).</summary>
public sealed record Latency(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static Latency Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Latency(0, 0, 0, 0, 0, 0);
        }
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latency(sorted.Length, sorted.Average(), At(0.50), At(0.95), At(0.99), sorted[^1]);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count} mean={Mean:F2} p50={P50:F2} p95={P95:F2} p99={P99:F2} max={Max:F2} ms");
}
