using System.Net;
using System.Net.Sockets;
using Marketplace.Core.Leasing;
using Marketplace.Core.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Marketplace.Api.Webhooks;

public static class WebhookRegistration
{
    /// <summary>
    /// Webhooks: options from <c>Marketplace:Webhooks</c> (http and internal addresses allowed by default only in
    /// Development), the outbox (also an <see cref="ILeasedQueue"/>, so a gone process's deliveries are freed), the endpoint
    /// store and the delivery client: IHttpClientFactory with a Polly pipeline per receiver authority — a circuit breaker
    /// around a per-attempt timeout — no redirects, and (unless internal addresses are allowed) a connect-time check that the
    /// resolved address is public.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section))
            .PostConfigure<IHostEnvironment>((o, env) =>
            {
                o.AllowHttp ??= env.IsDevelopment();
                o.AllowPrivateNetworks ??= env.IsDevelopment();
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.TryAddSingleton<WebhookSignal>();
        services.TryAddSingleton<WebhookOutbox>();
        services.AddSingleton<ILeasedQueue>(sp => sp.GetRequiredService<WebhookOutbox>());
        services.TryAddSingleton<WebhookStore>();
        services.TryAddSingleton<WebhookDispatcher>();

        services.AddHttpClient(WebhookDispatcher.HttpClientName, (sp, client) =>
            {
                // The pipeline's attempt timeout decides; this only backs it up.
                client.Timeout = sp.GetRequiredService<IOptions<WebhookOptions>>().Value.AttemptTimeout + TimeSpan.FromSeconds(5);
                client.DefaultRequestHeaders.UserAgent.ParseAdd("Marketplace-Webhooks/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(sp =>
            {
                var o = sp.GetRequiredService<IOptions<WebhookOptions>>().Value;
                var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    ConnectTimeout = o.AttemptTimeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
                if (o.AllowPrivateNetworks != true)
                {
                    handler.ConnectCallback = ConnectToPublicAddressAsync;
                }
                return handler;
            })
            .AddResilienceHandler("webhook-delivery", (pipeline, context) =>
            {
                var o = context.ServiceProvider.GetRequiredService<IOptions<WebhookOptions>>().Value;
                pipeline.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = 0.8,
                    MinimumThroughput = 10,
                    SamplingDuration = TimeSpan.FromSeconds(60),
                    BreakDuration = o.CircuitBreakDuration,
                });
                pipeline.AddTimeout(o.AttemptTimeout);
            })
            .SelectPipelineByAuthority();
        return services;
    }

    public static IServiceCollection AddWebhookWorkers(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    /// <summary>Connects only to public addresses: a receiver's name may not resolve to loopback, private or link-local space (SSRF).</summary>
    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(a => !WebhookStore.IsInternal(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{context.DnsEndPoint.Host} resolves to no public address; internal addresses are not called.");
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
}
