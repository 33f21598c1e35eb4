using Microsoft.Extensions.Options;

namespace Marketplace.Core.Webhooks;

/// <summary><c>Marketplace:Webhooks</c>: who may register what, and how this node delivers.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Marketplace:Webhooks";

    /// <summary>Deliver on this node (every node can; leases keep each delivery with one node at a time).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Allow http:// endpoints (the host turns it on in Development; tests set it). Otherwise https only.</summary>
    public bool? AllowHttp { get; set; }

    /// <summary>Allow endpoints on loopback, private and link-local addresses (Development and tests only: otherwise the API could be made to call internal services).</summary>
    public bool? AllowPrivateNetworks { get; set; }

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Deliveries claimed at once, and at most so many of one endpoint.</summary>
    public int BatchSize { get; set; } = 50;

    public int PerEndpointBatch { get; set; } = 10;

    /// <summary>Endpoints this node delivers to at the same time (one at a time per endpoint, in event order).</summary>
    public int MaxConcurrentEndpoints { get; set; } = 16;

    /// <summary>One attempt's limit: connecting, sending and waiting for the answer.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First retry after this long, then doubling (with ±20 % jitter) up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A delivery is retried for this long after its event (or its redelivery), then it is dead (the dead-letter state).</summary>
    public TimeSpan RetryFor { get; set; } = TimeSpan.FromDays(1);

    /// <summary>After a secret rotation, deliveries carry a second signature made with the previous secret for this long.</summary>
    public TimeSpan PreviousSecretValidity { get; set; } = TimeSpan.FromDays(1);

    public int MaxEndpointsPerOrganization { get; set; } = 20;

    /// <summary>After most recent attempts to one receiver failed, its deliveries fail fast for this long (Polly circuit breaker per receiver).</summary>
    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions o)
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add("Marketplace:Webhooks:" + message);
            }
        }
        Check(o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromMinutes(1), "PollInterval must be between 0 and 1 minute.");
        Check(o.BatchSize is >= 1 and <= 1_000, "BatchSize must be between 1 and 1000.");
        Check(o.PerEndpointBatch is >= 1 and <= 1_000, "PerEndpointBatch must be between 1 and 1000.");
        Check(o.MaxConcurrentEndpoints is >= 1 and <= 1_000, "MaxConcurrentEndpoints must be between 1 and 1000.");
        Check(o.AttemptTimeout >= TimeSpan.FromMilliseconds(100) && o.AttemptTimeout <= TimeSpan.FromMinutes(2), "AttemptTimeout must be between 100 ms and 2 minutes.");
        Check(o.InitialBackoff > TimeSpan.Zero && o.MaxBackoff >= o.InitialBackoff, "InitialBackoff must be positive and at most MaxBackoff.");
        Check(o.RetryFor >= TimeSpan.FromSeconds(1) && o.RetryFor <= TimeSpan.FromDays(7), "RetryFor must be between 1 second and 7 days.");
        Check(o.PreviousSecretValidity >= TimeSpan.Zero && o.PreviousSecretValidity <= TimeSpan.FromDays(30), "PreviousSecretValidity must be between 0 and 30 days.");
        Check(o.MaxEndpointsPerOrganization is >= 1 and <= 1_000, "MaxEndpointsPerOrganization must be between 1 and 1000.");
        Check(o.CircuitBreakDuration >= TimeSpan.FromMilliseconds(500) && o.CircuitBreakDuration <= TimeSpan.FromHours(1), "CircuitBreakDuration must be between 0.5 s and 1 hour.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
