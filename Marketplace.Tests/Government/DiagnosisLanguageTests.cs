using Marketplace.Core.Matching;
using Microsoft.Extensions.DependencyInjection;

namespace Marketplace.Tests.Government;

/// <summary>
/// An assessor's finding that names a technology item teaches matching the words it describes the problem in, through the
/// real API on a real SQLite file. The invented word 嘟嘟活 stands for a shop's own name for a problem.
/// </summary>
public class DiagnosisLanguageTests
{
    [Test]
    public async Task A_submitted_reports_findings_teach_their_words_to_the_items_they_name()
    {
        using var host = new GovernmentHost();
        await host.StartAsync();
        var matcher = host.App.Services.GetRequiredService<DemandMatcher>();
        bool ReadsAsWelding() => matcher.DemandNeeds.Classify("车间里那些嘟嘟活想想办法").FirstOrDefault()?.Code == "machinery.welding";
        Assert.That(ReadsAsWelding(), Is.False);

        var (project, _) = await host.CreateProjectAsync();
        await host.DiagnoseAsync(project["id"]!.GetValue<string>(), DiagnosisTests.Report(weldingFinding: "车架焊接全部人工，工人管这叫嘟嘟活，焊缝宽窄不一，返工多"));
        await host.App.CatalogLanguagePassAsync();

        Assert.That(ReadsAsWelding(), Is.True, "the finding's words read as the item it names");
    }
}
