using Marketplace.Core.Bulk;
using Marketplace.Core.Diagnostics;
using Marketplace.Core.Financing;
using Marketplace.Core.Plans;
using Marketplace.Core.Scoreboard;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Marketplace.Api.Plans;

public static class GovernmentServices
{
    /// <summary>District plans, diagnoses, the scoreboard, financing needs, and spreadsheet imports and exports.</summary>
    public static IServiceCollection AddGovernment(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ScoreboardOptions>().Bind(configuration.GetSection(ScoreboardOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScoreboardOptions>, ScoreboardOptionsValidator>());
        services.TryAddSingleton<PlanEngagements>();
        services.TryAddSingleton<ScoreboardQueries>();
        services.TryAddSingleton(DiagnosticModel.Default);
        services.TryAddSingleton<PlanStore>();
        services.TryAddSingleton<DiagnosisStore>();
        services.TryAddSingleton<FinancingStore>();
        services.AddOptions<BulkOptions>().Bind(configuration.GetSection(BulkOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<BulkJobStore>();
        services.TryAddSingleton<OfferingImportTemplate>();
        services.TryAddSingleton<OfferingImporter>();
        services.TryAddSingleton<Exports>();
        return services;
    }
}
