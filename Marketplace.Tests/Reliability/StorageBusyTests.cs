using System.Net;
using System.Net.Http.Json;
using Marketplace.Core.Storage;
using Marketplace.Tests.Api;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// A database busy beyond the command timeout (another process holding the write lock of the real SQLite file) answers
/// 503 with Retry-After, not 500; reads go on, and writes work again as soon as the lock is gone.
/// </summary>
public class StorageBusyTests
{
    [Test]
    public async Task A_write_lock_held_elsewhere_answers_503_and_writes_work_again_once_it_is_released()
    {
        using var app = new MarketplaceApp(settings: new Dictionary<string, string?> { ["Marketplace:Storage:CommandTimeoutSeconds"] = "1" });
        var integrator = await app.CreateOrganizationAsync("integrator");

        await using (await app.HoldSqliteWriteLockAsync())
        {
            var write = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: "锁住时提交的方案"));
            var problem = await ProblemAssert.IsProblemAsync(write, HttpStatusCode.ServiceUnavailable);
            Assert.That(write.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(problem["detail"]!.GetValue<string>(), Does.Contain("retry"));
            Assert.That(problem.ToJsonString(), Does.Not.Contain("SQLite").And.Not.Contain("Exception"), "no internals");
            Assert.That((await integrator.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads go on");
        }

        var retried = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: "锁住时提交的方案"));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), await retried.Content.ReadAsStringAsync());
        var mine = await MarketplaceApp.ReadJsonAsync(await integrator.Client.GetAsync("/api/v1/offerings?owner=me"));
        Assert.That(mine["total"]!.GetValue<int>(), Is.EqualTo(1), "the refused write left nothing behind");
        MarketplaceApp.DeleteDirectory(app.DataDirectory);
    }

    [Test]
    public async Task A_full_disk_answers_503_saying_so_and_writes_work_again_once_there_is_room()
    {
        using var disk = SmallDisk.TryMount(megabytes: 16);
        var filler = Path.Combine(disk.Path, "filler");
        using var app = new MarketplaceApp(dataDirectory: Path.Combine(disk.Path, "data"));
        var integrator = await app.CreateOrganizationAsync("integrator");

        disk.Fill(filler);
        var write = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: "磁盘满时提交的方案"));
        var problem = await ProblemAssert.IsProblemAsync(write, HttpStatusCode.ServiceUnavailable);
        Assert.Multiple(() =>
        {
            Assert.That(problem["title"]!.GetValue<string>(), Does.Contain("storage full"));
            Assert.That(write.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(problem.ToJsonString(), Does.Not.Contain("SQLite").And.Not.Contain("Exception"), "no internals");
        });
        Assert.That((await integrator.Client.GetAsync("/api/v1/organizations/me")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "reads go on");

        File.Delete(filler);
        var retried = await integrator.Client.PostAsJsonAsync("/api/v1/offerings", MarketplaceApp.OfferingBody(title: "磁盘满时提交的方案"));
        Assert.That(retried.StatusCode, Is.EqualTo(HttpStatusCode.Created), await retried.Content.ReadAsStringAsync());
        var mine = await MarketplaceApp.ReadJsonAsync(await integrator.Client.GetAsync("/api/v1/offerings?owner=me"));
        Assert.That(mine["total"]!.GetValue<int>(), Is.EqualTo(1), "the refused write left nothing behind");
    }

    [TestCase(1205, true, TestName = "SQL Server deadlock victim is transient")]
    [TestCase(-2, true, TestName = "SQL Server timeout is transient")]
    [TestCase(40613, true, TestName = "SQL Server database unavailable is transient")]
    [TestCase(2627, false, TestName = "SQL Server unique key violation is not transient")]
    [TestCase(547, false, TestName = "SQL Server constraint violation is not transient")]
    public void Sql_server_errors_are_classified(int number, bool transient) =>
        Assert.That(StorageErrors.IsTransientSqlServerError(number), Is.EqualTo(transient));
}

/// <summary>
/// A real file system that can be filled: a tmpfs of its own (needs root, as in CI's containers); the test is ignored
/// with the reason where it cannot be mounted.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static SmallDisk TryMount(int megabytes)
    {
        var path = Directory.CreateTempSubdirectory("marketplace-small-disk-").FullName;
        var (code, output) = Run("mount", $"-t tmpfs -o size={megabytes}M tmpfs {path}");
        if (code != 0)
        {
            Directory.Delete(path);
            Assert.Ignore($"A full disk needs a file system of its own; mounting a tmpfs failed here ({output.Trim()}).");
        }
        return new SmallDisk(path);
    }

    /// <summary>Takes every free byte of the disk into <paramref name="file"/>.</summary>
    public void Fill(string file)
    {
        using var stream = new FileStream(file, FileMode.Create, FileAccess.Write);
        var block = new byte[64 * 1024];
        try
        {
            while (true)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            // full
        }
    }

    public void Dispose()
    {
        Run("umount", $"-l {Path}");
        Directory.Delete(Path, recursive: true);
    }

    private static (int Code, string Output) Run(string command, string arguments)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, arguments)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            })!;
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
