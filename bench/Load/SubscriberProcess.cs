using System.Diagnostics;
using System.Text;

namespace FreedomCti.Bench.Load;

/// <summary>What a subscriber process is asked to do (passed on its command line).</summary>
public sealed record SubscriberProcessSpec(string Url, string? Subscribe, bool WaitForSnapshot, int Count, int FirstId,
    int AddressOffset, bool Stall, int Capacity)
{
    /// <summary>When set (comma-separated), socket i takes topic (FirstId + i) mod n in place of "{topic}" in the URL and subscribe message.</summary>
    public string? Topics { get; init; }

    /// <summary>
    /// When set, the sockets are listed one by one in this file (<see cref="PlannedSocket"/>, JSON), each with its own
    /// person's token, which the process mints from <see cref="SigningKey"/>; Url, Subscribe and Topics are unused.
    /// </summary>
    public string? PlanFile { get; init; }

    public string? SigningKey { get; init; }

    /// <summary>Where and how socket <paramref name="index"/> of this spec connects.</summary>
    public SubscriberPlan Plan()
    {
        if (PlanFile is not null) return PlannedSocket.Plan(PlanFile, SigningKey!);
        var topics = Topics?.Split(',') ?? [""];
        var subscribe = topics.Select(t => Subscribe is null ? null : Encoding.UTF8.GetBytes(Subscribe.Replace(TopicMark, t, StringComparison.Ordinal))).ToArray();
        var urls = topics.Select(t => new Uri(Url.Replace(TopicMark, t, StringComparison.Ordinal))).ToArray();
        return new SubscriberPlan(i => urls[(FirstId + i) % urls.Length], i => subscribe[(FirstId + i) % subscribe.Length], WaitForSnapshot);
    }

    public const string TopicMark = "{topic}";

    public IEnumerable<string> ToArguments() =>
    [
        "subscribers", "--url", Url, "--subscribe", Subscribe ?? "", "--snapshot", WaitForSnapshot.ToString(),
        "--count", Count.ToString(), "--first-id", FirstId.ToString(), "--address-offset", AddressOffset.ToString(),
        "--stall", Stall.ToString(), "--capacity", Capacity.ToString(), "--topics", Topics ?? "",
        "--plan-file", PlanFile ?? "", "--signing-key", SigningKey ?? "",
    ];

    public static SubscriberProcessSpec Parse(IReadOnlyDictionary<string, string> a) => new(
        a["url"], a["subscribe"] is "" ? null : a["subscribe"], bool.Parse(a["snapshot"]), int.Parse(a["count"]),
        int.Parse(a["first-id"]), int.Parse(a["address-offset"]), bool.Parse(a["stall"]), int.Parse(a["capacity"]))
    {
        Topics = a.GetValueOrDefault("topics") is { Length: > 0 } topics ? topics : null,
        PlanFile = a.GetValueOrDefault("plan-file") is { Length: > 0 } file ? file : null,
        SigningKey = a.GetValueOrDefault("signing-key") is { Length: > 0 } key ? key : null,
    };
}

/// <summary>
/// One socket of a person, as a plan file lists it: the URL without a token, whose token it carries (sub and roles of
/// the person), the messages it sends once open, and how many snapshots and session_opened replies make it ready.
/// </summary>
public sealed record PlannedSocket(string Url, string OrgId, string Sub, string[] Roles, string[] Messages, int Ready)
{
    public static void Write(string path, IEnumerable<PlannedSocket> sockets) =>
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(sockets.ToArray()));

    /// <summary>Reads a plan file and mints each person's token once (a person's sockets share it).</summary>
    public static SubscriberPlan Plan(string path, string signingKey)
    {
        var sockets = System.Text.Json.JsonSerializer.Deserialize<PlannedSocket[]>(File.ReadAllText(path))!;
        var tokens = new BenchTokens(signingKey);
        var minted = new Dictionary<string, string>(StringComparer.Ordinal);
        var urls = new Uri[sockets.Length];
        for (var i = 0; i < sockets.Length; i++)
        {
            var s = sockets[i];
            if (!minted.TryGetValue(s.Sub, out var token)) minted[s.Sub] = token = tokens.Mint(s.OrgId, s.Sub, s.Roles);
            urls[i] = new Uri($"{s.Url}?access_token={Uri.EscapeDataString(token)}");
        }
        var messages = sockets.Select(s => s.Messages.Select(Encoding.UTF8.GetBytes).ToArray()).ToArray();
        return new SubscriberPlan(i => urls[i], _ => null, WaitForSnapshot: true)
        {
            Messages = i => messages[i],
            ReadyFrames = i => sockets[i].Ready,
        };
    }
}

/// <summary>
/// A child process holding a share of the subscribers (one process may hold at most 20,000 open files here).
/// It speaks a line protocol on stdin/stdout: "count", "dump PATH", "quit".
/// </summary>
public sealed class SubscriberProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SubscriberProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static SubscriberProcess Start(SubscriberProcessSpec spec)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Systems.BenchEnvironment.BenchDllPath);
        foreach (var arg in spec.ToArguments()) info.ArgumentList.Add(arg);
        return new SubscriberProcess(Process.Start(info)!);
    }

    /// <summary>Waits for the child's "ready CONNECTED FAILED" line.</summary>
    public async Task<(int Connected, int Failed)> ReadyAsync(TimeSpan bound)
    {
        var line = await ReadLineAsync(bound);
        var parts = line.Split(' ');
        if (parts[0] != "ready") throw new InvalidOperationException($"subscriber process said '{line}'");
        return (int.Parse(parts[1]), int.Parse(parts[2]));
    }

    public async Task<(long Total, int Closed)> CountAsync()
    {
        await _process.StandardInput.WriteLineAsync("count");
        var parts = (await ReadLineAsync(TimeSpan.FromSeconds(30))).Split(' ');
        return (long.Parse(parts[1]), int.Parse(parts[2]));
    }

    public async Task<Arrival[]> DumpAsync(string path)
    {
        await _process.StandardInput.WriteLineAsync($"dump {path}");
        await ReadLineAsync(TimeSpan.FromSeconds(120));
        var arrivals = ArrivalLog.Read(path);
        File.Delete(path);
        return arrivals;
    }

    private async Task<string> ReadLineAsync(TimeSpan bound)
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(bound);
        return line ?? throw new InvalidOperationException("subscriber process exited");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("quit");
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(40));
        }
        catch (Exception)
        {
            // fall through to the kill below
        }
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    /// <summary>The child's side: connect, report, then serve commands until "quit" or stdin closes.</summary>
    public static async Task<int> RunChildAsync(SubscriberProcessSpec spec)
    {
        var log = new ArrivalLog(spec.Capacity);
        using var sockets = new LoopbackSockets(spec.AddressOffset, receiveBufferBytes: spec.Stall ? 4096 : null);
        await using var set = new SubscriberSet(log, sockets, spec.FirstId);
        var plan = spec.Plan();
        var (connected, failed) = await set.ConnectAsync(plan, spec.Count, spec.Stall, TimeSpan.FromMinutes(4));
        Console.WriteLine($"ready {connected} {failed}");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command == "quit") break;
            if (command == "count") Console.WriteLine($"count {log.Total} {set.Closed}");
            else if (command.StartsWith("dump ", StringComparison.Ordinal))
            {
                var arrivals = log.Drain();
                ArrivalLog.Write(command[5..], arrivals);
                Console.WriteLine($"dumped {arrivals.Length}");
            }
        }
        return 0;
    }
}
