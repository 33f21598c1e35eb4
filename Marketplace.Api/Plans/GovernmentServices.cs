using Marketplace.Core.Diagnostics;
using Marketplace.Core.Plans;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Plans;

public static class GovernmentServices
{
    /// <summary>District plans, diagnoses, the scoreboard and financing needs.</summary>
    public static IServiceCollection AddGovernment(this IServiceCollection services)
    {
        services.TryAddSingleton(DiagnosticModel.Default);
        services.TryAddSingleton<PlanStore>();
        services.TryAddSingleton<DiagnosisStore>();
        return services;
    }
}
