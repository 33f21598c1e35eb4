using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Marketplace.Tests.Api;

namespace Marketplace.Tests.Reliability;

/// <summary>
/// The API as a real process (<c>dotnet Marketplace.Api.dll</c> from the build output) on a free loopback port and a given
/// data folder, for tests that kill it with SIGKILL and start it again. Its console output goes to a log file in the
/// data folder, quoted when a test fails.
/// </summary>
public sealed class ApiProcess : IDisposable
{
    private static int _instances;
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ApiProcess(string dataDirectory, string name, IReadOnlyDictionary<string, string?> settings)
    {
        Name = name;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}");
        LogPath = Path.Combine(dataDirectory, $"{name}-{Interlocked.Increment(ref _instances)}.log");
        _log = new StreamWriter(LogPath, append: false, Encoding.UTF8) { AutoFlush = true };
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Marketplace.Api.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString());
        var all = new Dictionary<string, string?>
        {
            ["Marketplace:DataDirectory"] = dataDirectory,
            ["Marketplace:Auth:OperatorKey"] = MarketplaceApp.OperatorKey,
            ["Marketplace:RateLimit:AnonymousPermitLimit"] = "1000000",
            ["Marketplace:RateLimit:AuthenticatedPermitLimit"] = "1000000",
            ["Marketplace:Search:HttpWarmUpSeconds"] = "1",
        };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }
        foreach (var (key, value) in all)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }
        start.Environment["DOTNET_gcServer"] = "0"; // several API processes share the test machine's cores
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Write(e.Data);
        _process.ErrorDataReceived += (_, e) => Write(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the API; returns once <c>/health/ready</c> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(string dataDirectory, string name, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var api = new ApiProcess(dataDirectory, name, settings ?? new Dictionary<string, string?>());
        try
        {
            await api.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>Starts the API without waiting for it (for a start-up expected to fail).</summary>
    public static ApiProcess Launch(string dataDirectory, string name, IReadOnlyDictionary<string, string?> settings) => new(dataDirectory, name, settings);

    /// <summary>Waits for the process to end; its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var expiry = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(expiry.Token);
        return _process.ExitCode;
    }

    public HttpClient Client(string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }
        return client;
    }

    /// <summary>SIGKILL: no shutdown code runs (no lease released, nothing flushed), as with <c>kill -9</c>.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: false); // SIGKILL on Unix
        _process.WaitForExit();
        Write($"### killed with SIGKILL (exit code {_process.ExitCode})");
    }

    /// <summary>The whole log so far (read beside the writer that is still appending to it).</summary>
    public string Log()
    {
        using var log = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(log).ReadToEnd();
    }

    public string LogTail(int lines = 40) => string.Join('\n', Log().TrimEnd('\n').Split('\n').TakeLast(lines));

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var started = Stopwatch.StartNew();
        while (started.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:\n{LogTail()}");
            }
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // busy starting
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} was not ready within {timeout.TotalSeconds} s:\n{LogTail()}");
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
