namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// Single processes on localhost clustering and in-memory state, no Azurite: a standalone silo, or the default
/// embedded gateway (a gateway co-hosting its silo), on the ports given.
/// </summary>
public static class LocalNodes
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private static readonly string[] Quiet = ["--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Orleans=Warning"];

    public static GridNode Silo(int siloPort, int gatewayPort, params string[] settings) =>
        new("silo", BuiltApps.SiloDll, Ports.Free(),
            [$"--Cluster:SiloPort={siloPort}", $"--Cluster:GatewayPort={gatewayPort}", $"--Cluster:ClusterId=local-{Guid.NewGuid():N}", .. Quiet, .. settings],
            new Dictionary<string, string>());

    /// <summary>The one-process gateway; with <paramref name="settings"/> last, so they win.</summary>
    public static GridNode EmbeddedGateway(int siloPort, int gatewayPort, params string[] settings) =>
        new("gateway", BuiltApps.GatewayDll, Ports.Free(),
            [$"--Cluster:SiloPort={siloPort}", $"--Cluster:GatewayPort={gatewayPort}", $"--Cluster:ClusterId=local-{Guid.NewGuid():N}", .. Quiet, .. settings],
            new Dictionary<string, string>(), managementPort: Ports.Free());

    /// <summary>Waits (bounded) for a node that should refuse to start; returns what it printed.</summary>
    public static async Task<string> ExitedAtStartAsync(GridNode node)
    {
        Assert.True(await node.Process!.WaitForExitAsync(StartTimeout), $"{node.Name} kept running:\n{node.Process.Tail()}");
        Assert.True(node.Process.ExitCode != 0, $"{node.Name} exited with 0:\n{node.Process.Tail()}");
        return node.Process.Tail();
    }
}
