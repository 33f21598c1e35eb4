namespace Marketplace.Core.Common;

/// <summary>FNV-1a, 64 bits: a stable hash of bytes, the same in every process and on every node.</summary>
public static class Fnv1a
{
    public static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = unchecked((hash ^ b) * 1099511628211UL);
        }
        return hash;
    }
}
