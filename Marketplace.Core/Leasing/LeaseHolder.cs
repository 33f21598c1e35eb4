using System.Diagnostics;
using System.Globalization;

namespace Marketplace.Core.Leasing;

/// <summary>
/// This process as a holder of leases on work rows (outbox rows and the like). The id is new for every process: a node that
/// restarts is a new holder, so rows its previous process had leased are never mistaken for its own. <see cref="Host"/> names
/// the process table the <see cref="ProcessId"/> belongs to (machine, boot and, on Linux, pid namespace), so that another
/// process on the same host can tell for certain that a holder's process is gone (see <see cref="IsGone"/>).
/// </summary>
public sealed record LeaseHolder(string Id, string NodeName, string Host, int ProcessId, DateTimeOffset ProcessStartedAt)
{
    /// <summary>Longest holder id: fits the <c>claimed_by</c> columns (NVARCHAR(100)).</summary>
    public const int MaxIdLength = 100;

    /// <summary>
    /// How a holder is named to the API's users (a webhook attempt's node): stable per process, without the machine name
    /// and process id the id carries; the holder's registration in the log gives both.
    /// </summary>
    public static string AliasOf(string holderId) =>
        "node-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(holderId)))[..8];

    /// <summary>The holder for the current process; <paramref name="nodeName"/> (default: the machine name) prefixes its id.</summary>
    public static LeaseHolder ForCurrentProcess(string? nodeName = null)
    {
        var name = string.IsNullOrWhiteSpace(nodeName) ? Environment.MachineName : nodeName.Trim();
        using var process = Process.GetCurrentProcess();
        var pid = Environment.ProcessId;
        var suffix = string.Create(CultureInfo.InvariantCulture, $"-{pid}-{Guid.NewGuid().ToString("N")[..8]}");
        var id = (name.Length + suffix.Length > MaxIdLength ? name[..(MaxIdLength - suffix.Length)] : name) + suffix;
        return new LeaseHolder(id, name, CurrentHost, pid, process.StartTime.ToUniversalTime());
    }

    /// <summary>
    /// Identifies the process table of this process: machine name, kernel boot id and pid namespace where the OS has them.
    /// Two containers with the same host name but separate pid namespaces get different values, so neither ever judges
    /// the other's process by a pid that means something else where it runs.
    /// </summary>
    public static string CurrentHost { get; } = ComputeHost();

    /// <summary>
    /// True only when this holder's process is certainly gone: it ran in this process table and no process with its id
    /// and start time runs now. False when it still runs or when that cannot be known from here (another host); such a
    /// holder is judged by its heartbeat instead.
    /// </summary>
    public bool IsGone()
    {
        if (Host != CurrentHost)
        {
            return false;
        }
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            // The same pid started at another time: a reused pid (after a container restart, possibly our own).
            return Math.Abs((process.StartTime.ToUniversalTime() - ProcessStartedAt).TotalSeconds) > 1;
        }
        catch (ArgumentException)
        {
            return true; // no process with that id
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException or UnauthorizedAccessException)
        {
            return false; // exited while we looked, or not ours to inspect: leave it to the heartbeat
        }
    }

    private static string ComputeHost()
    {
        var parts = new List<string> { Environment.MachineName };
        if (OperatingSystem.IsLinux())
        {
            try
            {
                parts.Add(File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim());
                parts.Add(new FileInfo("/proc/self/ns/pid").LinkTarget ?? "");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parts.Add("no-proc");
            }
        }
        var host = string.Join('|', parts);
        return host.Length > 300 ? host[..300] : host;
    }
}
