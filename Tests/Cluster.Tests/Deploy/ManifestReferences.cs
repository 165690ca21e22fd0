using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>
/// What a schema cannot see: that the objects of one render point at each other. Services, disruption budgets and
/// the autoscaler select or name a real Deployment, a Service's named targetPort is a port of its pods, and the
/// Secrets and ConfigMaps the pods read are in the render.
/// </summary>
public static class ManifestReferences
{
    public static List<string> Check(IReadOnlyList<JsonObject> objects)
    {
        var errors = new List<string>();
        void Require(bool ok, string message) { if (!ok) errors.Add(message); }
        var deployments = objects.OfKind("Deployment").ToList();

        foreach (var service in objects.OfKind("Service"))
        {
            var target = deployments.FirstOrDefault(d => Manifests.Selects(service["spec"]?["selector"], d));
            Require(target is not null, $"Service/{Manifests.Name(service)}: spec.selector matches no Deployment's pod labels");
            foreach (var port in service["spec"]?["ports"]?.AsArray() ?? [])
            {
                if (target is not null && port?["targetPort"] is JsonValue named && named.GetValueKind() == System.Text.Json.JsonValueKind.String)
                {
                    Require(Manifests.ContainerPorts(target).Any(p => (string?)p["name"] == (string)named!),
                        $"Service/{Manifests.Name(service)}: targetPort '{named}' is not a named port of {Manifests.Name(target)}");
                }
            }
        }
        foreach (var budget in objects.OfKind("PodDisruptionBudget"))
        {
            Require(deployments.Any(d => Manifests.Selects(budget["spec"]?["selector"]?["matchLabels"], d)),
                $"PodDisruptionBudget/{Manifests.Name(budget)}: selector matches no Deployment");
        }
        foreach (var autoscaler in objects.OfKind("HorizontalPodAutoscaler"))
        {
            var target = autoscaler["spec"]?["scaleTargetRef"];
            Require((string?)target?["kind"] == "Deployment" && deployments.Any(d => Manifests.Name(d) == (string?)target?["name"]),
                $"HorizontalPodAutoscaler/{Manifests.Name(autoscaler)}: scaleTargetRef names no Deployment");
        }
        foreach (var deployment in deployments)
        {
            Require(Manifests.Selects(deployment["spec"]?["selector"]?["matchLabels"], deployment),
                $"Deployment/{Manifests.Name(deployment)}: spec.selector.matchLabels must match the pod template's labels");
        }
        foreach (var reference in SecretAndConfigReferences(objects))
        {
            Require(objects.Any(o => Manifests.Kind(o) == reference.Kind && Manifests.Name(o) == reference.Name),
                $"{reference.From}: references {reference.Kind} '{reference.Name}', which is not in the render");
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
}
