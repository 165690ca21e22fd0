using System.Globalization;
using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>What our deployment must guarantee beyond schema validity (docs/operations.md explains why each one matters).</summary>
public static class DeployInvariants
{
    /// <summary>Deployment name, the env var that sets its shutdown budget, and the app's default budget when unset.</summary>
    private static readonly (string Deployment, string ShutdownEnv, TimeSpan DefaultShutdown)[] Apps =
    [
        ("presence-silo", "Silo__ShutdownTimeout", TimeSpan.FromSeconds(30)),
        ("presence-gateway", "Gateway__ShutdownTimeout", TimeSpan.FromSeconds(20)),
    ];

    private static readonly string[] SecretNames = ["ConnectionString", "SigningKey", "Password", "Secret"];

    /// <summary>The port health and metrics answer on: the gateway's Management__Urls, else (the silo) its Urls.</summary>
    private static int? ManagementPort(string deployment, JsonObject container)
    {
        var urls = (string?)Manifests.EnvVar(container, "Management__Urls")?["value"] ?? (string?)Manifests.EnvVar(container, "Urls")?["value"];
        return urls is null || deployment == "presence-gateway" && Manifests.EnvVar(container, "Management__Urls") is null
            ? null
            : int.Parse(urls.Split(';')[0].Split(':')[^1].TrimEnd('/'), CultureInfo.InvariantCulture);
    }

    /// <summary>A port given as a number or as the name of one of the container's ports.</summary>
    private static int? PortNumber(JsonObject container, JsonNode? port) => port switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number => (int)(long)v,
        JsonValue v => (int?)(long?)(container["ports"]?.AsArray().FirstOrDefault(p => (string?)p!["name"] == (string)v!)?["containerPort"]),
        _ => null,
    };

    public static List<string> Check(IReadOnlyList<JsonObject> objects)
    {
        var errors = new List<string>();
        void Require(bool ok, string message) { if (!ok) errors.Add(message); }

        foreach (var (name, shutdownEnv, defaultShutdown) in Apps)
        {
            var deployment = objects.OfKind("Deployment").SingleOrDefault(d => Manifests.Name(d) == name);
            if (deployment is null) { errors.Add($"Deployment {name} is missing"); continue; }
            var rolling = deployment["spec"]?["strategy"]?["rollingUpdate"];
            Require((string?)deployment["spec"]?["strategy"]?["type"] == "RollingUpdate" && rolling?["maxUnavailable"]?.ToString() is "0" or "0%",
                $"{name}: rolling update with maxUnavailable 0");
            Require(objects.OfKind("PodDisruptionBudget").Any(p => Manifests.Selects(p["spec"]?["selector"]?["matchLabels"], deployment)),
                $"{name}: a PodDisruptionBudget selects its pods");

            var container = Manifests.Containers(deployment).Single();
            var shutdown = Manifests.EnvVar(container, shutdownEnv)?["value"] is { } value
                ? TimeSpan.Parse((string)value!, CultureInfo.InvariantCulture)
                : defaultShutdown;
            var grace = Manifests.PodSpec(deployment)["terminationGracePeriodSeconds"] is JsonValue g ? (long)g : 30;
            Require(TimeSpan.FromSeconds(grace) > shutdown, $"{name}: terminationGracePeriodSeconds {grace} must exceed the shutdown timeout {shutdown}");

            // Health and metrics live on the management port: the silo's only HTTP port, the gateway's Management__Urls.
            var management = ManagementPort(name, container);
            foreach (var (probe, path) in new[] { ("startupProbe", "/health/startup"), ("readinessProbe", "/health/ready"), ("livenessProbe", "/health/live") })
            {
                Require((string?)container[probe]?["httpGet"]?["path"] == path, $"{name}: {probe} on {path}");
                Require(management is not null && PortNumber(container, container[probe]?["httpGet"]?["port"]) == management,
                    $"{name}: {probe} on the management port {management}");
            }
            var annotations = deployment["spec"]?["template"]?["metadata"]?["annotations"];
            Require((string?)annotations?["prometheus.io/scrape"] == "true" && (string?)annotations?["prometheus.io/path"] == "/metrics" &&
                    (string?)annotations?["prometheus.io/port"] == management?.ToString(CultureInfo.InvariantCulture),
                $"{name}: prometheus.io annotations scrape /metrics on the management port {management}");
            // No Service publishes it: the load balancer and the ingress must not reach health or metrics.
            foreach (var service in objects.OfKind("Service").Where(s => Manifests.Selects(s["spec"]?["selector"], deployment)))
            {
                foreach (var port in service["spec"]?["ports"]?.AsArray() ?? [])
                {
                    Require(PortNumber(container, port?["targetPort"] ?? port?["port"]) != management,
                        $"{name}: Service {Manifests.Name(service)} publishes the management port {management}");
                }
            }
            foreach (var env in Manifests.Env(container).Where(e => SecretNames.Any(s => ((string)e["name"]!).Contains(s, StringComparison.OrdinalIgnoreCase))))
            {
                Require(env["valueFrom"]?["secretKeyRef"] is not null, $"{name}: {env["name"]} must come from a Secret (secretKeyRef), not be inlined");
            }
        }

        if (objects.OfKind("Deployment").SingleOrDefault(d => Manifests.Name(d) == "presence-silo") is { } silo)
        {
            var c = Manifests.Containers(silo).Single();
            var env = Manifests.Env(c).Select(e => (string)e["name"]!).ToList();
            Require((string?)Manifests.EnvVar(c, "POD_IP")?["valueFrom"]?["fieldRef"]?["fieldPath"] == "status.podIP", "presence-silo: POD_IP from the downward API (status.podIP)");
            Require((string?)Manifests.EnvVar(c, "POD_NAME")?["valueFrom"]?["fieldRef"]?["fieldPath"] == "metadata.name", "presence-silo: POD_NAME from the downward API (metadata.name)");
            // $(VAR) only expands variables defined earlier in the list.
            Require((string?)Manifests.EnvVar(c, "Cluster__AdvertisedIPAddress")?["value"] == "$(POD_IP)" && env.IndexOf("POD_IP") < env.IndexOf("Cluster__AdvertisedIPAddress"),
                "presence-silo: Cluster__AdvertisedIPAddress = $(POD_IP), defined after POD_IP");
        }
        if (objects.OfKind("Deployment").SingleOrDefault(d => Manifests.Name(d) == "presence-gateway") is { } gateway)
        {
            Require((string?)Manifests.EnvVar(Manifests.Containers(gateway).Single(), "Cluster__Mode")?["value"] == "Client", "presence-gateway: Cluster__Mode=Client");
            Require(objects.OfKind("Service").Any(s => Manifests.Selects(s["spec"]?["selector"], gateway)), "presence-gateway: a Service selects it");
            Require(objects.OfKind("HorizontalPodAutoscaler").Any(h => (string?)h["spec"]?["scaleTargetRef"]?["name"] == "presence-gateway"), "presence-gateway: an HPA scales it");
        }
        foreach (var map in objects.OfKind("ConfigMap"))
        {
            foreach (var key in map["data"]?.AsObject().Select(kv => kv.Key) ?? [])
            {
                Require(!SecretNames.Any(s => key.Contains(s, StringComparison.OrdinalIgnoreCase)), $"ConfigMap {Manifests.Name(map)}: {key} belongs in a Secret");
            }
        }
        return errors;
    }
}
