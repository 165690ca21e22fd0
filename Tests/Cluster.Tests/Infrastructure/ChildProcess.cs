using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// A real child process (Azurite, a silo, a gateway) with the tail of its output kept for diagnostics.
/// <see cref="Kill"/> is kill -9; <see cref="Terminate"/> is SIGTERM (what Kubernetes sends first).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int TailLines = 200, HeadLines = 2_000;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    // What a process says at start (a settings warning, its ports) is soon pushed out of the tail by Orleans' option dump.
    private readonly ConcurrentQueue<string> _head = new();
    private int _headCount;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    /// <param name="workingDirectory">The repository root unless given (the apps find their settings in their own folder either way).</param>
    public static ChildProcess Start(string name, string file, IEnumerable<string> args, IDictionary<string, string>? env = null,
        string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? BuiltApps.RepoRoot,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>kill -9: no shutdown code runs, exactly like a crashed node.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
    }

    /// <summary>SIGTERM: the process runs its graceful shutdown.</summary>
    public void Terminate()
    {
        if (!_process.HasExited) _ = SendSignal(_process.Id, 15);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs a command to its end (bounded) and returns its exit code and its two outputs apart.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(string file, IEnumerable<string> args,
        IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = BuiltApps.RepoRoot,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in env ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return (process.ExitCode, await output, await error);
    }

    /// <summary>Whether the process has written a line containing <paramref name="text"/> among its first lines or its latest.</summary>
    public bool Said(string text) =>
        _head.Any(l => l.Contains(text, StringComparison.Ordinal)) || _tail.Any(l => l.Contains(text, StringComparison.Ordinal));

    public string Tail() => $"--- {Name} (pid {_process.Id}{(_process.HasExited ? $", exited {_process.ExitCode}" : "")}) ---\n{string.Join('\n', _tail)}";

    public async ValueTask DisposeAsync()
    {
        Kill();
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        if (Interlocked.Increment(ref _headCount) <= HeadLines) _head.Enqueue(line);
        _tail.Enqueue(line);
        while (_tail.Count > TailLines) _tail.TryDequeue(out _);
    }

#pragma warning disable SYSLIB1054 // a plain int-in, int-out call: nothing to marshal
    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
