using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>Lookups over rendered Kubernetes objects.</summary>
public static class Manifests
{
    public static string Name(JsonObject obj) => (string)obj["metadata"]!["name"]!;
    public static string Kind(JsonObject obj) => (string)obj["kind"]!;

    public static IEnumerable<JsonObject> OfKind(this IEnumerable<JsonObject> objects, string kind) => objects.Where(o => Kind(o) == kind);

    public static JsonObject Get(this IEnumerable<JsonObject> objects, string kind, string name) =>
        objects.SingleOrDefault(o => Kind(o) == kind && Name(o) == name) ?? throw new Xunit.Sdk.XunitException($"No {kind} {name} in the rendered manifests.");

    public static JsonObject PodSpec(JsonObject deployment) => deployment["spec"]!["template"]!["spec"]!.AsObject();

    public static IEnumerable<JsonObject> Containers(JsonObject obj) =>
        Kind(obj) == "Deployment" ? PodSpec(obj)["containers"]!.AsArray().Select(c => c!.AsObject()) : [];

    public static IEnumerable<JsonObject> ContainerPorts(JsonObject deployment) =>
        Containers(deployment).SelectMany(c => c["ports"]?.AsArray().Select(p => p!.AsObject()) ?? []);

    public static IEnumerable<JsonObject> Env(JsonObject container) =>
        container["env"]?.AsArray().Select(e => e!.AsObject()) ?? [];

    public static JsonObject? EnvVar(JsonObject container, string name) => Env(container).SingleOrDefault(e => (string)e["name"]! == name);

    public static bool Selects(JsonNode? selector, JsonObject deployment)
    {
        var labels = deployment["spec"]!["template"]!["metadata"]!["labels"]!.AsObject();
        var wanted = selector?.AsObject();
        return wanted is { Count: > 0 } && wanted.All(kv => (string?)labels[kv.Key] == (string?)kv.Value);
    }
}
