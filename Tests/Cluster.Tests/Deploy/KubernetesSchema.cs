using System.Text.Json;
using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>
/// The Kubernetes OpenAPI schemas of every object, through the npm package kubernetes-models (its generated JSON
/// schemas and their validator), run by Node from .tools/ where test.sh installs it.
/// </summary>
public static class KubernetesSchema
{
    private static string Tools => Path.Combine(BuiltApps.RepoRoot, ".tools");
    private static string Script => Path.Combine(BuiltApps.RepoRoot, "Tests", "Cluster.Tests", "Deploy", "validate-manifests.mjs");

    /// <summary>Every violation, "Kind/name: …"; empty when all objects are valid.</summary>
    public static async Task<List<string>> ValidateAsync(IEnumerable<JsonObject> objects)
    {
        if (!Directory.Exists(Path.Combine(Tools, "node_modules", "kubernetes-models")))
        {
            throw new InvalidOperationException("kubernetes-models is not installed in .tools/; run ./test.sh (npm install --prefix .tools kubernetes-models).");
        }
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, new JsonArray([.. objects.Select(o => o.DeepClone())]).ToJsonString());
            var (exitCode, output, error) = await ChildProcess.RunAsync("node", [Script, Tools, file]);
            if (exitCode != 0) throw new InvalidOperationException($"validate-manifests.mjs failed ({exitCode}): {error}");
            return JsonSerializer.Deserialize<List<string>>(output)!;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
