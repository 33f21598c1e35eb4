using Dapper;
using Marketplace.Api.Http;
using Marketplace.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Marketplace.Tests.Api;

/// <summary>
/// A write a unique index refuses — the loser of a race the store's own check cannot see (two nodes, or SQL Server's
/// concurrent writers) — is a 409 like the check's own refusal, never a 500; on a real SQLite file.
/// </summary>
public class UniqueViolationTests
{
    private MarketplaceApp _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = new MarketplaceApp();

    [OneTimeTearDown]
    public void Stop()
    {
        _app.Dispose();
        MarketplaceApp.DeleteDirectory(_app.DataDirectory);
    }

    [Test]
    public async Task A_second_diagnosis_of_a_project_is_refused_by_the_database_and_answered_409()
    {
        var db = _app.Services.GetRequiredService<Database>();
        await using var c = await db.OpenAsync(CancellationToken.None);
        await c.ExecuteAsync("PRAGMA foreign_keys = OFF"); // the row's references are not what is tested
        const string insert = """
            INSERT INTO diagnoses (id, project_id, enterprise_id, district, assessor_id, assigned_by, status, latest_version, row_version, created_at, updated_at)
            VALUES (@Id, @ProjectId, @Id, '璧山区', @Id, @Id, 'assigned', 0, 1, '2026-12-06T00:00:00+00:00', '2026-12-06T00:00:00+00:00')
            """;
        var project = Guid.NewGuid();
        await c.ExecuteAsync(insert, new { Id = Guid.NewGuid(), ProjectId = project });

        var refused = Assert.CatchAsync(async () => await c.ExecuteAsync(insert, new { Id = Guid.NewGuid(), ProjectId = project }));

        Assert.That(StorageErrors.IsUniqueViolation(refused!), Is.True, refused!.Message);
        Assert.That(StorageErrors.IsTransient(refused), Is.False);
        var context = new DefaultHttpContext { RequestServices = _app.Services };
        context.Response.Body = new MemoryStream();
        var handled = await new ProblemDetailsExceptionHandler(NullLogger<ProblemDetailsExceptionHandler>.Instance).TryHandleAsync(context, refused, CancellationToken.None);
        Assert.That(handled, Is.True);
        Assert.That(context.Response.StatusCode, Is.EqualTo(StatusCodes.Status409Conflict));
        context.Response.Body.Position = 0;
        Assert.That(await new StreamReader(context.Response.Body).ReadToEndAsync(), Does.Contain("fetch it again").And.Not.Contains("UNIQUE"));
    }
}
