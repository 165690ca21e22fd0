using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>
/// A hand-written subset of the Kubernetes OpenAPI schemas for the kinds deploy/ uses (no schema package is reachable
/// offline here): apiVersion per kind, required fields, field types, name syntax, port ranges, env var shape,
/// probe handlers, string-only ConfigMap and Secret data, and that selectors and references point at real objects.
/// Returns every violation rather than stopping at the first.
/// </summary>
public static partial class ManifestSchema
{
    private static readonly Dictionary<string, string> ApiVersions = new()
    {
        ["ConfigMap"] = "v1",
        ["Secret"] = "v1",
        ["Service"] = "v1",
        ["Deployment"] = "apps/v1",
        ["PodDisruptionBudget"] = "policy/v1",
        ["HorizontalPodAutoscaler"] = "autoscaling/v2",
    };

    public static List<string> Validate(IReadOnlyList<JsonObject> objects)
    {
        var errors = new List<string>();
        foreach (var obj in objects)
        {
            var kind = (string?)obj["kind"] ?? "";
            var where = $"{kind}/{(string?)obj["metadata"]?["name"]}";
            void Check(bool ok, string message) { if (!ok) errors.Add($"{where}: {message}"); }

            Check(ApiVersions.TryGetValue(kind, out var api) && (string?)obj["apiVersion"] == api, $"apiVersion must be {api} for kind '{kind}'");
            Check(obj["metadata"]?["name"] is JsonValue name && DnsLabel().IsMatch((string)name!), "metadata.name must be a DNS-1123 name");
            foreach (var (key, value) in obj["metadata"]?["labels"]?.AsObject() ?? [])
            {
                Check(IsString(value), $"label {key} must be a string");
            }
            switch (kind)
            {
                case "ConfigMap":
                case "Secret":
                    foreach (var (key, value) in obj["data"]?.AsObject() ?? []) Check(IsString(value), $"data.{key} must be a string (quote it)");
                    break;
                case "Deployment":
                    ValidateDeployment(obj, Check);
                    break;
                case "Service":
                    var target = objects.OfKind("Deployment").FirstOrDefault(d => Manifests.Selects(obj["spec"]?["selector"], d));
                    Check(target is not null, "spec.selector matches no Deployment's pod labels");
                    foreach (var port in obj["spec"]?["ports"]?.AsArray() ?? [])
                    {
                        Check(IsPort(port?["port"]), "ports[].port must be an integer 1-65535");
                        if (target is not null && port?["targetPort"] is JsonValue named && IsString(named))
                        {
                            Check(Manifests.Containers(target).SelectMany(c => c["ports"]!.AsArray()).Any(p => (string?)p!["name"] == (string)named!),
                                $"targetPort '{named}' is not a named port of {Manifests.Name(target)}");
                        }
                    }
                    break;
                case "PodDisruptionBudget":
                    Check((obj["spec"]?["minAvailable"] is null) != (obj["spec"]?["maxUnavailable"] is null), "exactly one of minAvailable and maxUnavailable");
                    Check(objects.OfKind("Deployment").Any(d => Manifests.Selects(obj["spec"]?["selector"]?["matchLabels"], d)), "selector matches no Deployment");
                    break;
                case "HorizontalPodAutoscaler":
                    var scaleTarget = obj["spec"]?["scaleTargetRef"];
                    Check((string?)scaleTarget?["kind"] == "Deployment" && objects.OfKind("Deployment").Any(d => Manifests.Name(d) == (string?)scaleTarget?["name"]),
                        "scaleTargetRef names no Deployment");
                    Check(obj["spec"]?["minReplicas"] is JsonValue min && obj["spec"]?["maxReplicas"] is JsonValue max && (long)min <= (long)max, "minReplicas <= maxReplicas, both integers");
                    break;
            }
        }
        foreach (var reference in SecretAndConfigReferences(objects))
        {
            if (!objects.Any(o => Manifests.Kind(o) == reference.Kind && Manifests.Name(o) == reference.Name))
            {
                errors.Add($"{reference.From}: references {reference.Kind} '{reference.Name}', which is not in the render");
            }
        }
        return errors;
    }

    /// <summary>Every Secret and ConfigMap a pod reads (secretKeyRef, configMapRef).</summary>
    public static IEnumerable<(string From, string Kind, string Name)> SecretAndConfigReferences(IEnumerable<JsonObject> objects) =>
        from deployment in objects.OfKind("Deployment")
        from container in Manifests.Containers(deployment)
        from reference in Manifests.Env(container)
                .Where(e => e["valueFrom"]?["secretKeyRef"] is not null)
                .Select(e => ("Secret", (string)e["valueFrom"]!["secretKeyRef"]!["name"]!))
            .Concat((container["envFrom"]?.AsArray() ?? []).Where(e => e!["configMapRef"] is not null)
                .Select(e => ("ConfigMap", (string)e!["configMapRef"]!["name"]!)))
        select ($"Deployment/{Manifests.Name(deployment)}", reference.Item1, reference.Item2);

    private static void ValidateDeployment(JsonObject deployment, Action<bool, string> check)
    {
        var spec = deployment["spec"];
        check(spec?["replicas"] is null || IsInteger(spec["replicas"]), "spec.replicas must be an integer");
        check(Manifests.Selects(spec?["selector"]?["matchLabels"], deployment), "spec.selector.matchLabels must match the pod template's labels");
        var pod = spec?["template"]?["spec"];
        check(pod?["terminationGracePeriodSeconds"] is null || IsInteger(pod["terminationGracePeriodSeconds"]), "terminationGracePeriodSeconds must be an integer");
        var containers = pod?["containers"]?.AsArray();
        check(containers is { Count: > 0 }, "spec.template.spec.containers must not be empty");
        foreach (var container in containers ?? [])
        {
            var c = container!.AsObject();
            check(IsString(c["name"]) && IsString(c["image"]), "containers[] need a name and an image");
            var portNames = new HashSet<string>();
            foreach (var port in c["ports"]?.AsArray() ?? [])
            {
                check(IsPort(port?["containerPort"]), "containerPort must be an integer 1-65535");
                if ((string?)port?["name"] is { } portName)
                {
                    check(portName.Length <= 15 && DnsLabel().IsMatch(portName), $"port name '{portName}' must be a DNS label of at most 15 characters");
                    portNames.Add(portName);
                }
            }
            foreach (var env in Manifests.Env(c))
            {
                check(IsString(env["name"]), "env[].name must be a string");
                check((env["value"] is null) != (env["valueFrom"] is null), $"env {env["name"]}: exactly one of value and valueFrom");
                check(env["value"] is null || IsString(env["value"]), $"env {env["name"]}: value must be a string (quote it)");
            }
            foreach (var probe in new[] { "startupProbe", "readinessProbe", "livenessProbe" })
            {
                if (c[probe] is not { } p) continue;
                var handlers = new[] { "httpGet", "tcpSocket", "exec", "grpc" }.Count(h => p[h] is not null);
                check(handlers == 1, $"{probe} needs exactly one handler");
                var port = p["httpGet"]?["port"] ?? p["tcpSocket"]?["port"];
                if (port is not null) check(IsPort(port) || (IsString(port) && portNames.Contains((string)port!)), $"{probe} port '{port}' is not a declared port");
            }
        }
    }

    private static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;
    private static bool IsInteger(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.Number;
    private static bool IsPort(JsonNode? node) => IsInteger(node) && (long)node! is >= 1 and <= 65535;

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex DnsLabel();
}
