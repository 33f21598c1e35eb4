using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Organizations;

/// <summary>API key secrets: 32 random bytes, stored only as a SHA-256 hash (high-entropy keys need no slow hash).</summary>
public static class ApiKeys
{
    public const string SecretPrefix = "mkp_";

    public static string NewSecret() => SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>The first characters, stored to let people tell their keys apart.</summary>
    public static string DisplayPrefix(string secret) => secret[..Math.Min(12, secret.Length)];

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
