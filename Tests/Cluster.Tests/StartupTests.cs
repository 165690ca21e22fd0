using System.Text.RegularExpressions;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>What the built apps do at start: they refuse ports already taken and bad settings, naming the setting,
/// and find their appsettings.json wherever they are started from.</summary>
public sealed partial class StartupTests
{
    [Fact]
    public async Task AnotherProcessOnASilosPorts_StopsAtStart_NamingTheSetting()
    {
        int siloPort = Ports.Free(), gatewayPort = Ports.Free();
        await using var running = LocalNodes.Silo(siloPort, gatewayPort);
        running.Start();
        await running.WaitReadyAsync(LocalNodes.StartTimeout);

        // The default gateway co-hosts a silo: the same silo port as the running silo.
        await using var gateway = LocalNodes.EmbeddedGateway(siloPort, Ports.Free());
        gateway.Start();
        var output = await LocalNodes.ExitedAtStartAsync(gateway);
        Assert.Contains($"Cluster:SiloPort {siloPort} is already in use by another process", output);
        Assert.Contains("--Cluster:SiloPort=", output);

        // A second silo on the same client gateway port.
        await using var silo = LocalNodes.Silo(Ports.Free(), gatewayPort);
        silo.Start();
        output = await LocalNodes.ExitedAtStartAsync(silo);
        Assert.Contains($"Cluster:GatewayPort {gatewayPort} is already in use by another process", output);

        Assert.True(running.IsRunning);
        Assert.Equal(System.Net.HttpStatusCode.OK, await running.HealthAsync("ready"));
    }

    [Theory]
    [InlineData("silo", "--Silo:ShutdownTimeout=00:00:00", "Silo:ShutdownTimeout")]
    [InlineData("silo", "--Cluster:Membership:DeathVoteExpirationTimeout=00:00:05", "Cluster:Membership:DeathVoteExpirationTimeout")]
    [InlineData("gateway", "--Gateway:DrainDelay=00:00:30", "Gateway:DrainDelay")]
    [InlineData("gateway", "--Limits:ConnectionLeaseTime=00:00:00", "Limits:ConnectionLeaseTime")]
    [InlineData("gateway", "--Management:Urls=", "Management:Urls")]
    public async Task BadConfiguration_StopsTheProcessAtStart_NamingTheKey(string app, string setting, string key)
    {
        await using var node = app == "silo"
            ? LocalNodes.Silo(Ports.Free(), Ports.Free(), setting)
            : LocalNodes.EmbeddedGateway(Ports.Free(), Ports.Free(), setting);
        node.Start();
        Assert.Contains(key, await LocalNodes.ExitedAtStartAsync(node));
    }

    [Fact]
    public async Task BuiltSilo_StartedFromAnotherDirectory_ReadsItsAppSettings_AndLogsWithTimestamps()
    {
        var elsewhere = Directory.CreateTempSubdirectory("presence-cwd-");
        try
        {
            var http = Ports.Free();
            await using var silo = ChildProcess.Start("silo", "dotnet",
                [BuiltApps.SiloDll, "--urls", $"http://127.0.0.1:{http}", $"--Cluster:SiloPort={Ports.Free()}", $"--Cluster:GatewayPort={Ports.Free()}"],
                workingDirectory: elsewhere.FullName);

            // The timestamp format is set only in the app's appsettings.json (Logging:Console:FormatterOptions).
            await Poll.UntilAsync(() => TimestampedInfoLine().IsMatch(silo.Tail()), LocalNodes.StartTimeout,
                () => $"a timestamped log line from the silo started in {elsewhere.FullName}\n{silo.Tail()}");
            Assert.False(silo.Said("No appsettings.json"), silo.Tail());
        }
        finally
        {
            elsewhere.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AContentRootWithoutAppSettings_IsSaidAtStart()
    {
        var empty = Directory.CreateTempSubdirectory("presence-empty-");
        try
        {
            await using var silo = ChildProcess.Start("silo", "dotnet",
                [BuiltApps.SiloDll, "--contentRoot", empty.FullName, "--urls", $"http://127.0.0.1:{Ports.Free()}",
                 $"--Cluster:SiloPort={Ports.Free()}", $"--Cluster:GatewayPort={Ports.Free()}"]);
            // Said() and not Tail(): the line comes first and Orleans' option dump pushes it out of the tail (failed once in CI).
            await Poll.UntilAsync(() => silo.Said($"No appsettings.json in the content root {empty.FullName}"),
                LocalNodes.StartTimeout, () => $"the silo to say that it found no settings\n{silo.Tail()}");
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [GeneratedRegex(@"(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: ")]
    private static partial Regex TimestampedInfoLine();
}
