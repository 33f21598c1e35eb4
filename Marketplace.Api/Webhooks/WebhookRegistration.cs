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
        services.AddSingleton<IHolderBoundRows>(sp => sp.GetRequiredService<WebhookOutbox>());
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
                    handler.ConnectCallback = ReceiverConnector.ConnectAsync;
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
}
