using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Marketplace.Core.Webhooks;

namespace Marketplace.Api.Webhooks;

/// <summary>The webhook client's connect step, unless internal addresses are allowed (Development).</summary>
public static class ReceiverConnector
{
    /// <summary>
    /// Connects only to public addresses (SSRF): a receiver's name may not resolve to a loopback, private, link-local or
    /// other special-purpose address (<see cref="ReceiverAddress"/>), nor to an address of this host itself.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host.TrimEnd('.');
        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        }
        catch (SocketException)
        {
            addresses = []; // told like an internal address: which internal names exist is not the receiver's business
        }
        var allowed = addresses.Where(a => ReceiverAddress.IsPublic(a) && !IsOwnAddress(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new ReceiverRefusedException();
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True for an address of one of this host's network interfaces (read again at most once a minute).</summary>
    public static bool IsOwnAddress(IPAddress address) => OwnAddresses().Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    private sealed record OwnAddressSnapshot(HashSet<IPAddress> Addresses, long ReadAt);

    private static OwnAddressSnapshot? _ownAddresses;

    private static HashSet<IPAddress> OwnAddresses()
    {
        if (Volatile.Read(ref _ownAddresses) is { } cached && Stopwatch.GetElapsedTime(cached.ReadAt) < TimeSpan.FromMinutes(1))
        {
            return cached.Addresses;
        }
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(u => u.Address.IsIPv4MappedToIPv6 ? u.Address.MapToIPv4() : u.Address)
            .ToHashSet();
        Volatile.Write(ref _ownAddresses, new OwnAddressSnapshot(addresses, Stopwatch.GetTimestamp()));
        return addresses;
    }
}

/// <summary>The receiver's name resolves to no address a webhook may be delivered to.</summary>
public sealed class ReceiverRefusedException() : IOException("The receiver's name resolves to no public address.");
