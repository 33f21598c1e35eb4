using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Organizations;

/// <summary>API key secrets: 32 random bytes, stored only as a SHA-256 hash (high-entropy keys need no slow hash).</summary>
public static class ApiKeys
{
    public const string SecretPrefix = "mkp_";

    public static string NewSecret() => SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>
    /// What lets people tell their keys apart: a generated key's first characters (mkp_ and 8 random ones), or for a key
    /// people chose (the configured operator key) a fingerprint of its hash, which shows none of its characters.
    /// </summary>
    public static string DisplayPrefix(string secret) =>
        secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[..Math.Min(12, secret.Length)] : "#" + Hash(secret)[..8];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
