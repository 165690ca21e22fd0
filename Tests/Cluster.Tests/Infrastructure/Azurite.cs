using System.Net;
using System.Net.Sockets;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// A real Azurite (blob, queue, table) on loopback with its own free ports and a throw-away data folder,
/// shared by the cluster tests; each test uses its own cluster id, so tests never see each other's tables.
/// </summary>
public sealed class Azurite : IAsyncLifetime
{
    // Azurite's well-known development account.
    private const string Account = "devstoreaccount1";
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private ChildProcess? _process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(BuiltApps.AzuriteScript))
        {
            throw new InvalidOperationException($"Azurite is not installed at {BuiltApps.AzuriteScript}; run ./test.sh (it runs `npm install --prefix .tools azurite`).");
        }
        int blob = Ports.Free(), queue = Ports.Free(), table = Ports.Free();
        _process = ChildProcess.Start("azurite", "node",
        [
            // A larger young generation: Azurite allocates per request, and with Node's default the import-heavy tests
            // spent about a tenth more of Azurite's CPU (docs/testing.md).
            "--max-semi-space-size=64",
            BuiltApps.AzuriteScript, "--silent", "--skipApiVersionCheck", "--loose",
            // Kept in memory: nothing outlives the test run, and LokiJS's saves to disk made a table write ~1.5x slower.
            "--inMemoryPersistence", "--disableTelemetry",
            "--blobHost", "127.0.0.1", "--blobPort", $"{blob}",
            "--queueHost", "127.0.0.1", "--queuePort", $"{queue}",
            "--tableHost", "127.0.0.1", "--tablePort", $"{table}",
        ]);
        foreach (var port in new[] { blob, queue, table })
        {
            await Poll.UntilAsync(() => Ports.AcceptsAsync(port), TimeSpan.FromSeconds(60), () => $"Azurite to listen on {port}\n{_process.Tail()}");
        }
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={Account};AccountKey={Key};" +
            $"BlobEndpoint=http://127.0.0.1:{blob}/{Account};QueueEndpoint=http://127.0.0.1:{queue}/{Account};TableEndpoint=http://127.0.0.1:{table}/{Account};";
    }

    public async Task DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
    }
}

/// <summary>Loopback ports for the processes a test starts.</summary>
public static class Ports
{
    public static int Free() => FreedomCti.Presence.Tests.LoopbackPorts.Next();

    public static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(1));
            return true;
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<Azurite>
{
    public const string Name = "cluster";
}
