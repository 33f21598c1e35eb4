using System.Net;
using System.Net.Sockets;

namespace Marketplace.Core.Webhooks;

/// <summary>
/// Which addresses a webhook receiver may have (SSRF): globally reachable unicast only. Everything in the IANA
/// special-purpose registries that is not globally reachable is refused — loopback, private, shared (CGN), link-local,
/// documentation and benchmarking ranges, 6to4 relays, multicast, reserved — and an IPv6 address that carries an IPv4
/// one (mapped, NAT64, 6to4) is judged by the IPv4 address it reaches.
/// </summary>
public static class ReceiverAddress
{
    private static readonly (byte[] Prefix, int Bits)[] RefusedV4 =
    [
        ([0, 0, 0, 0], 8), // "this network"
        ([10, 0, 0, 0], 8),
        ([100, 64, 0, 0], 10), // shared address space (carrier-grade NAT)
        ([127, 0, 0, 0], 8),
        ([169, 254, 0, 0], 16), // link-local, cloud metadata
        ([172, 16, 0, 0], 12),
        ([192, 0, 0, 0], 24), // IETF protocol assignments
        ([192, 0, 2, 0], 24), // TEST-NET-1
        ([192, 88, 99, 0], 24), // 6to4 relay anycast
        ([192, 168, 0, 0], 16),
        ([198, 18, 0, 0], 15), // benchmarking
        ([198, 51, 100, 0], 24), // TEST-NET-2
        ([203, 0, 113, 0], 24), // TEST-NET-3
        ([224, 0, 0, 0], 3), // multicast, reserved and broadcast (224.0.0.0 and above)
    ];

    private static readonly (byte[] Prefix, int Bits)[] RefusedV6 =
    [
        ([0x00, 0x64, 0xff, 0x9b, 0x00, 0x01], 48), // local-use NAT64
        ([0x01, 0x00, 0, 0, 0, 0, 0, 0], 64), // discard-only
        ([0x20, 0x01, 0x00, 0x00], 23), // IETF protocol assignments, Teredo among them
        ([0x20, 0x01, 0x0d, 0xb8], 32), // documentation
        ([0x3f, 0xff], 20), // documentation
    ];

    /// <summary>True when a receiver may be called at <paramref name="ip"/>.</summary>
    public static bool IsPublic(IPAddress ip)
    {
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            return !RefusedV4.Any(r => InPrefix(ip.GetAddressBytes(), r.Prefix, r.Bits));
        }
        if (ip.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }
        var b = ip.GetAddressBytes();
        if (ip.IsIPv4MappedToIPv6)
        {
            return IsPublic(ip.MapToIPv4());
        }
        // NAT64's well-known prefix (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
        if (InPrefix(b, [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0], 96))
        {
            return IsPublic(new IPAddress(b[12..16]));
        }
        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublic(new IPAddress(b[2..6]));
        }
        // Global unicast is 2000::/3; everything outside it (::, ::1, IPv4-compatible, unique local, link-local, site-local,
        // multicast) is not a receiver's address.
        return (b[0] & 0xe0) == 0x20 && !RefusedV6.Any(r => InPrefix(b, r.Prefix, r.Bits));
    }

    private static bool InPrefix(byte[] address, byte[] prefix, int bits)
    {
        for (var i = 0; i < bits; i++)
        {
            var mask = 0x80 >> (i % 8);
            if ((address[i / 8] & mask) != (prefix.Length > i / 8 ? prefix[i / 8] & mask : 0))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The host of a receiver's URL as it will be resolved: without the trailing dot of a fully qualified name
    /// (<c>localhost.</c> is <c>localhost</c>) and without an IPv6 literal's brackets.
    /// </summary>
    public static string NormalizedHost(Uri uri) => uri.DnsSafeHost.TrimEnd('.');

    /// <summary>
    /// Names that are never a public receiver: <c>localhost</c> and its subdomains (RFC 6761), and single-label names, which
    /// only a local resolver or search domain can answer (the server's own host name among them).
    /// </summary>
    public static bool IsLocalName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (!host.Contains('.', StringComparison.Ordinal) && !IPAddress.TryParse(host, out _));
}
