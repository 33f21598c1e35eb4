using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Webhooks;

/// <summary>
/// Signatures of deliveries: HMAC-SHA256 with the endpoint's secret over <c>{timestamp}.{body}</c> (timestamp in Unix
/// seconds, the X-Marketplace-Timestamp header), hex, sent as <c>X-Marketplace-Signature: v1=&lt;hex&gt;</c>; during a
/// secret rotation's grace period a second <c>v1=</c> made with the previous secret follows. A receiver recomputes it over
/// the raw body, compares in constant time and refuses timestamps older than a few minutes (replays).
/// </summary>
public static class WebhookSignature
{
    public const string SignatureHeader = "X-Marketplace-Signature";
    public const string TimestampHeader = "X-Marketplace-Timestamp";
    public const string EventIdHeader = "X-Marketplace-Event-Id";
    public const string EventTypeHeader = "X-Marketplace-Event-Type";
    public const string AttemptHeader = "X-Marketplace-Delivery-Attempt";
    public const string SecretPrefix = "whsec_";

    public static string NewSecret() => SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>The header value: <c>v1=…</c> for each secret given (current first).</summary>
    public static string Header(IEnumerable<string> secrets, long timestamp, ReadOnlySpan<byte> body)
    {
        var parts = new List<string>();
        foreach (var secret in secrets)
        {
            parts.Add("v1=" + Sign(secret, timestamp, body));
        }
        return string.Join(", ", parts);
    }

    /// <summary>What a receiver does: true when one v1 signature matches and the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.</summary>
    public static bool Verify(string secret, string? header, string? timestampHeader, ReadOnlySpan<byte> body, DateTimeOffset now, TimeSpan tolerance)
    {
        if (header is null || !long.TryParse(timestampHeader, out var timestamp)
            || Math.Abs(now.ToUnixTimeSeconds() - timestamp) > tolerance.TotalSeconds)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(secret, timestamp, body));
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("v1=", StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(part[3..])))
            {
                return true;
            }
        }
        return false;
    }
}
