using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>Runs one of the repository's JavaScript clients under Node and streams its JSON output lines.</summary>
public sealed class NodeScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonObject> _lines = Channel.CreateUnbounded<JsonObject>();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();
    private readonly List<JsonObject> _seen = [];

    private NodeScript(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{')) _lines.Writer.TryWrite(JsonNode.Parse(line)!.AsObject());
            if (e.Data is not null) _output.Enqueue(e.Data);
            if (e.Data is null) _lines.Writer.TryComplete();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static NodeScript Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // Node 20 keeps its browser-compatible WebSocket behind a flag; 22+ has it by default.
        if (NodeMajorVersion() < 22) info.ArgumentList.Add("--experimental-websocket");
        info.ArgumentList.Add(Path.Combine(RepositoryRoot(), script));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return new NodeScript(Process.Start(info) ?? throw new InvalidOperationException("node did not start"));
    }

    /// <summary>The first output line, already printed or still to come, that matches.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan? timeout = null)
    {
        if (_seen.FirstOrDefault(match) is { } earlier) return earlier;
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync(cts.Token);
                _seen.Add(line);
                if (match(line)) return line;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ChannelClosedException)
        {
            throw new InvalidOperationException("No matching line from node. Its output:\n" + string.Join("\n", _output), ex);
        }
    }

    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FreedomCti.Orleans.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("Repository root not found above " + AppContext.BaseDirectory);
    }

    private static int NodeMajorVersion()
    {
        using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true })!;
        var version = node.StandardOutput.ReadToEnd().Trim().TrimStart('v');
        node.WaitForExit();
        return int.Parse(version.Split('.')[0]);
    }
}
