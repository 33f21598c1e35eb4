using Microsoft.Extensions.Options;

namespace Marketplace.Core.Leasing;

/// <summary><c>Marketplace:Leases</c>: how long a claimed work row stays reserved for the process that claimed it.</summary>
public sealed class LeaseOptions
{
    public const string Section = "Marketplace:Leases";

    /// <summary>
    /// A claim reserves rows for this long; the holder renews it every third of it while it works, and heartbeats its
    /// registration as often. A process that dies stops renewing: its rows are free again after at most this long (at
    /// once for a successor on the same host, which sees that the process is gone). Short, so that a node on another host
    /// takes over a killed node's work within seconds (a pause longer than this only makes two nodes index the same rows,
    /// which is harmless: the index keeps the highest version).
    /// </summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Prefix of this process's holder id (default: the machine name); the id adds the process id and a random part.</summary>
    public string? NodeName { get; set; }

    /// <summary>How often leases and the holder's registration are renewed.</summary>
    public TimeSpan RenewEvery => Duration / 3;
}

public sealed class LeaseOptionsValidator : IValidateOptions<LeaseOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaseOptions options)
    {
        var errors = new List<string>();
        if (options.Duration < TimeSpan.FromSeconds(1) || options.Duration > TimeSpan.FromHours(1))
        {
            errors.Add("Marketplace:Leases:Duration must be between 1 second and 1 hour.");
        }
        if (options.NodeName is { Length: > 60 })
        {
            errors.Add("Marketplace:Leases:NodeName is limited to 60 characters.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
