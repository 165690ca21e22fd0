using System.Reflection;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>Where the Silo and Gateway builds and the repo-local Azurite are (the test project references both apps, so they are built first).</summary>
public static class BuiltApps
{
    public static string RepoRoot { get; } = Metadata("RepoRoot");
    private static string Configuration { get; } = Metadata("Configuration");

    public static string SiloDll => App("Silo", "FreedomCti.Presence.Silo.dll");
    public static string GatewayDll => App("Gateway", "FreedomCti.Presence.Gateway.dll");

    /// <summary>Installed by test.sh with `npm install --prefix .tools azurite`.</summary>
    public static string AzuriteScript => Path.Combine(RepoRoot, ".tools", "node_modules", "azurite", "dist", "src", "azurite.js");

    public static string DeployDir => Path.Combine(RepoRoot, "deploy");

    private static string App(string project, string dll)
    {
        var path = Path.Combine(RepoRoot, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} ({Configuration}) first: {path} is missing.", path);
    }

    private static string Metadata(string key) =>
        typeof(BuiltApps).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
