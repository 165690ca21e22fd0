using System.Text;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>
/// Renders a kustomization for the subset of kustomize our deploy/ uses: resources (files and directories),
/// namespace, labels (metadata only), images (newName/newTag), replicas and secretGenerator literals without a
/// name hash. Anything else in a kustomization.yaml fails loudly, so the overlay cannot outgrow the renderer silently.
/// </summary>
public static class KustomizeLite
{
    private static readonly HashSet<string> Supported =
        ["apiVersion", "kind", "resources", "namespace", "labels", "images", "replicas", "secretGenerator"];

    public static List<JsonObject> Render(string directory)
    {
        var kustomization = YamlJson.LoadAll(Path.Combine(directory, "kustomization.yaml")).Single();
        var unsupported = kustomization.Select(p => p.Key).Where(k => !Supported.Contains(k)).ToArray();
        if (unsupported.Length > 0) throw new NotSupportedException($"{directory}: kustomize-lite does not render {string.Join(", ", unsupported)}");

        var objects = new List<JsonObject>();
        foreach (var resource in Strings(kustomization["resources"]))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path) ? Render(path) : YamlJson.LoadAll(path));
        }
        foreach (var generator in kustomization["secretGenerator"]?.AsArray() ?? [])
        {
            if (generator!["options"]?["disableNameSuffixHash"]?.GetValue<bool>() != true)
            {
                throw new NotSupportedException("kustomize-lite renders secretGenerator only with disableNameSuffixHash: true");
            }
            var data = new JsonObject();
            foreach (var literal in Strings(generator["literals"]))
            {
                var split = literal.IndexOf('=');
                data[literal[..split]] = Convert.ToBase64String(Encoding.UTF8.GetBytes(literal[(split + 1)..]));
            }
            objects.Add(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Secret",
                ["metadata"] = new JsonObject { ["name"] = (string)generator["name"]! },
                ["type"] = "Opaque",
                ["data"] = data,
            });
        }
        foreach (var label in kustomization["labels"]?.AsArray() ?? [])
        {
            foreach (var obj in objects)
            {
                var labels = (JsonObject)(obj["metadata"]!["labels"] ??= new JsonObject());
                foreach (var (key, value) in label!["pairs"]!.AsObject()) labels[key] = value!.DeepClone();
            }
        }
        foreach (var image in kustomization["images"]?.AsArray() ?? [])
        {
            foreach (var container in objects.SelectMany(Manifests.Containers))
            {
                var current = (string)container["image"]!;
                var name = current.Split(':')[0];
                if (name != (string)image!["name"]!) continue;
                container["image"] = $"{(string?)image["newName"] ?? name}:{(string?)image["newTag"] ?? current.Split(':').ElementAtOrDefault(1) ?? "latest"}";
            }
        }
        foreach (var replicas in kustomization["replicas"]?.AsArray() ?? [])
        {
            var target = objects.Single(o => (string?)o["kind"] == "Deployment" && Manifests.Name(o) == (string)replicas!["name"]!);
            target["spec"]!["replicas"] = (long)replicas!["count"]!;
        }
        if ((string?)kustomization["namespace"] is { } ns)
        {
            foreach (var obj in objects) obj["metadata"]!["namespace"] = ns;
        }
        return objects;
    }

    private static IEnumerable<string> Strings(JsonNode? array) => array?.AsArray().Select(n => (string)n!) ?? [];
}
