using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>Where the bench finds the built servers, where it writes logs, and the token it sends.</summary>
public sealed class BenchEnvironment
{
    public BenchEnvironment(string logDirectory)
    {
        RepoRoot = FindRepoRoot();
        Configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
        LogDirectory = logDirectory;
        Directory.CreateDirectory(logDirectory);
    }

    public string RepoRoot { get; }
    public string Configuration { get; }
    public string LogDirectory { get; }
    public BenchTokens Tokens { get; } = new();
    public IDictionary<string, string> GatewayEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Another build of the gateway to measure (e.g. an older commit, for a before/after); the repo's own when null.</summary>
    public string? GatewayDllOverride { get; init; }

    public string GatewayDll => GatewayDllOverride ?? Built("Gateway", "FreedomCti.Presence.Gateway.dll");
    public string SiloDll => Built("Silo", "FreedomCti.Presence.Silo.dll");
    public string BenchDll => BenchDllPath;

    /// <summary>The bench's own entry assembly as built in the repo (a test host that references the bench is not a runnable app).</summary>
    public static string BenchDllPath
    {
        get
        {
            var own = typeof(BenchEnvironment).Assembly.Location;
            if (File.Exists(Path.ChangeExtension(own, ".runtimeconfig.json"))) return own;
            var configuration = AppContext.BaseDirectory.Contains("/Debug/", StringComparison.Ordinal) ? "Debug" : "Release";
            return Path.Combine(FindRepoRoot(), "bench", "bin", configuration, "net10.0", "FreedomCti.Bench.dll");
        }
    }

    private string Built(string project, string dll)
    {
        var path = Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", dll);
        if (!File.Exists(path)) throw new FileNotFoundException($"Build the solution first (dotnet build -c {Configuration}): {path}");
        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FreedomCti.Orleans.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("FreedomCti.Orleans.sln not found above the bench's directory.");
    }

    public static HttpClient NewHttpClient(int maxConnections = 256) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections, UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(30) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
}
