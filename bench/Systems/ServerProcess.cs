using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace FreedomCti.Bench.Systems;

/// <summary>A server process the bench started (output to a log file), killed with its children on dispose.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string name, string log)
    {
        _process = process;
        Name = name;
        LogPath = log;
    }

    public string Name { get; }
    public string LogPath { get; }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="file"/> through `exec` so that the pid measured is the server's own.</summary>
    public static ServerProcess Start(string name, string file, IEnumerable<string> args, string logDirectory,
        IDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(logDirectory);
        var log = Path.Combine(logDirectory, $"{name}.log");
        var command = "ulimit -n 20000 2>/dev/null; exec " + string.Join(' ', new[] { file }.Concat(args).Select(Quote)) + $" >{Quote(log)} 2>&1";
        var info = new ProcessStartInfo("bash") { UseShellExecute = false, RedirectStandardInput = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return new ServerProcess(Process.Start(info)!, name, log);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>Polls a URL until it answers 2xx; throws (with the log's tail) when the process dies or the bound passes.</summary>
    public async Task WaitHealthyAsync(HttpClient http, string url, TimeSpan bound)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < bound)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Name} exited: {Tail()}");
            try
            {
                using var response = await http.GetAsync(url).WaitAsync(TimeSpan.FromSeconds(5));
                if (response.IsSuccessStatusCode) return;
            }
            catch (Exception) when (deadline.Elapsed < bound)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"{Name} did not become healthy at {url}: {Tail()}");
    }

    public string Tail() => File.Exists(LogPath) ? string.Join('\n', File.ReadLines(LogPath).TakeLast(15)) : "(no log)";

    /// <summary>A server port below the ephemeral range, so the bench's own client sockets cannot take it first.</summary>
    public static int FreePort() => FreedomCti.Presence.Tests.LoopbackPorts.Next();

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _process.Dispose();
    }
}
