using Marketplace.Core.Diagnostics;
using Marketplace.Core.Financing;
using Marketplace.Core.Plans;
using Marketplace.Core.Scoreboard;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Plans;

public static class GovernmentServices
{
    /// <summary>District plans, diagnoses, the scoreboard and financing needs.</summary>
    public static IServiceCollection AddGovernment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScoreboardOptions>().Bind(configuration.GetSection(ScoreboardOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoreboardOptions>, ScoreboardOptionsValidator>());
        services.TryAddSingleton<IPlanEngagements, NoPlanEngagements>();
        services.TryAddSingleton<ScoreboardQueries>();
        services.TryAddSingleton(DiagnosticModel.Default);
        services.TryAddSingleton<PlanStore>();
        services.TryAddSingleton<DiagnosisStore>();
        services.TryAddSingleton<FinancingStore>();
        return services;
    }
}
