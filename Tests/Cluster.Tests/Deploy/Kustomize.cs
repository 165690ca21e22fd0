using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>Renders a kustomization with the real kustomize inside kubectl (`kubectl kustomize`), as `kubectl apply -k` would.</summary>
public static class Kustomize
{
    /// <summary>kubectl on PATH or where Debian and the Kubernetes packages put it; test.sh installs it where it can.</summary>
    public static string Kubectl { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "kubectl"))
            .Append("/usr/bin/kubectl").Append("/usr/local/bin/kubectl")
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException(
            "kubectl is not installed; the deploy tests render deploy/k8s with `kubectl kustomize` (kubectl 1.27 or later). " +
            "./test.sh installs it where a package source offers it.");

    public static async Task<List<JsonObject>> RenderAsync(string directory)
    {
        var (exitCode, yaml, error) = await ChildProcess.RunAsync(Kubectl, ["kustomize", directory]);
        if (exitCode != 0) throw new InvalidOperationException($"kubectl kustomize {directory} failed ({exitCode}): {error}");
        return YamlJson.LoadAllText(yaml);
    }
}
