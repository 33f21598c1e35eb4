using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Marketplace.Core.Leasing;

public static class LeasingRegistration
{
    /// <summary>
    /// This process's lease holder, <see cref="Leases"/> and the holder registry, bound from <c>Marketplace:Leases</c>.
    /// Queues and other holder-bound rows register themselves as <see cref="IHolderBoundRows"/>; the heartbeat is <see cref="AddLeaseHolderService"/>.
    /// </summary>
    public static IServiceCollection AddLeasing(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(s => s.ServiceType == typeof(Leases)))
        {
            return services;
        }
        services.AddOptions<LeaseOptions>().Bind(configuration.GetSection(LeaseOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeaseOptions>, LeaseOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => LeaseHolder.ForCurrentProcess(sp.GetRequiredService<IOptions<LeaseOptions>>().Value.NodeName));
        services.TryAddSingleton<Leases>();
        services.TryAddSingleton<LeaseHolderRegistry>();
        services.TryAddSingleton<LeaseHolderService>();
        return services;
    }

    /// <summary>The registration and heartbeat of this process (after the schema migrations, before the queues' workers).</summary>
    public static IServiceCollection AddLeaseHolderService(this IServiceCollection services)
    {
        services.AddHostedService(sp => sp.GetRequiredService<LeaseHolderService>());
        return services;
    }
}
