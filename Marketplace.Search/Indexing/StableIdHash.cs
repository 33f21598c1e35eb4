using System.Buffers.Binary;

namespace Marketplace.Search.Indexing;

/// <summary>
/// A stable 64-bit hash of an offering id, the last sort key of every search so that ties are
/// broken the same way on every engine and after every rebuild (never by insertion order or name).
/// SplitMix64 finalizer over the Guid's 16 bytes in their defined little-endian layout.
/// </summary>
public static class StableIdHash
{
    public static long Compute(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        var low = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var high = BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]);
        return unchecked((long)Mix(low ^ Mix(high)));
    }

    private static ulong Mix(ulong z)
    {
        unchecked
        {
            z += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
