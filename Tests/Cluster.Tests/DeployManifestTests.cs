using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FreedomCti.Presence.Cluster.Tests.Deploy;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// deploy/ renders with kustomize (`kubectl kustomize`), is valid against the Kubernetes schemas (npm kubernetes-models),
/// its objects reference each other correctly, and it keeps the zero-downtime and security invariants.
/// </summary>
public sealed class DeployManifestTests
{
    private static string K8s(string path) => Path.Combine(BuiltApps.DeployDir, "k8s", path);

    [Fact]
    public async Task DevOverlay_RendersValidManifests_ThatKeepTheInvariants()
    {
        var objects = await Kustomize.RenderAsync(K8s("overlays/dev"));

        Assert.Empty(await KubernetesSchema.ValidateAsync(objects));
        Assert.Empty(ManifestReferences.Check(objects));
        Assert.Empty(DeployInvariants.Check(objects));
        Assert.All(objects, o => Assert.Equal("presence-dev", (string?)o["metadata"]!["namespace"]));
        Assert.Equal(2, (long)objects.Get("Deployment", "presence-silo")["spec"]!["replicas"]!);
        Assert.All(objects.OfKind("Deployment").Where(d => Manifests.Name(d).StartsWith("presence-")),
            d => Assert.EndsWith(":dev", (string)Manifests.Containers(d).Single()["image"]!));
        Assert.NotNull(objects.Get("Deployment", "azurite"));
        Assert.Equal("presence-secrets", Manifests.Name(objects.OfKind("Secret").Single())); // generated without a name hash
    }

    [Fact]
    public async Task Base_DefinesNoSecrets_OnlyReferencesThem()
    {
        var objects = await Kustomize.RenderAsync(K8s("base"));

        Assert.Empty(objects.OfKind("Secret"));
        Assert.Empty(await KubernetesSchema.ValidateAsync(objects));
        Assert.Empty(DeployInvariants.Check(objects));
        // The only dangling references are to the Secret the operator creates from the secret store.
        Assert.All(ManifestReferences.Check(objects), e => Assert.Contains("references Secret 'presence-secrets'", e));
        Assert.Contains(ManifestReferences.SecretAndConfigReferences(objects), r => r.Kind == "Secret");
    }

    [Fact]
    public async Task Checks_CatchABrokenDeployment()
    {
        var objects = await Kustomize.RenderAsync(K8s("overlays/dev"));
        var silo = objects.Get("Deployment", "presence-silo");
        silo["spec"]!["strategy"]!["rollingUpdate"]!["maxUnavailable"] = 1L;
        Manifests.PodSpec(silo)["terminationGracePeriodSeconds"] = 10L;
        var container = Manifests.Containers(silo).Single();
        container.Remove("readinessProbe");
        Manifests.EnvVar(container, "Cluster__StorageConnectionString")!.Remove("valueFrom");
        Manifests.EnvVar(container, "Cluster__StorageConnectionString")!["value"] = "UseDevelopmentStorage=true";
        Manifests.EnvVar(container, "POD_IP")!["valueFrom"]!["fieldRef"]!["fieldPath"] = "status.hostIP";
        objects.RemoveAll(o => Manifests.Kind(o) == "PodDisruptionBudget" && Manifests.Name(o) == "presence-silo");
        objects.Get("ConfigMap", "presence-cluster")["data"]!["Cluster__SiloPort"] = 11111L;
        var gateway = objects.Get("Deployment", "presence-gateway");
        Manifests.Containers(gateway).Single()["livenessProbe"]!["httpGet"]!["port"] = "http";
        objects.Get("Service", "presence-gateway")["spec"]!["ports"]!.AsArray().Add(new JsonObject { ["name"] = "management", ["port"] = 8090L, ["targetPort"] = "management" });
        objects.Get("Service", "azurite")["spec"]!["ports"]![0]!["targetPort"] = "no-such-port";

        var errors = DeployInvariants.Check(objects).Concat(ManifestReferences.Check(objects)).Concat(await KubernetesSchema.ValidateAsync(objects)).ToList();

        foreach (var expected in new[]
        {
            "maxUnavailable 0", "PodDisruptionBudget", "terminationGracePeriodSeconds", "readinessProbe", "secretKeyRef", "status.podIP",
            "ConfigMap/presence-cluster: data/data/Cluster__SiloPort must be string",
            "presence-gateway: livenessProbe on the management port", "publishes the management port", "targetPort 'no-such-port'",
        })
        {
            Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("silo.Dockerfile", "Silo/Silo.csproj")]
    [InlineData("gateway.Dockerfile", "Gateway/Gateway.csproj")]
    public void Dockerfile_IsMultiStage_CopiesRealPaths_AndStartsTheProjectsAssembly(string dockerfile, string project)
    {
        var lines = File.ReadAllLines(Path.Combine(BuiltApps.DeployDir, "docker", dockerfile)).Where(l => !l.TrimStart().StartsWith('#')).ToArray();

        Assert.True(lines.Count(l => l.StartsWith("FROM ", StringComparison.Ordinal)) >= 2, "a build stage and a runtime stage");
        Assert.Contains(lines, l => l.StartsWith("COPY --from=build", StringComparison.Ordinal));
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var sources = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            Assert.All(sources, s => Assert.True(Path.Exists(Path.Combine(BuiltApps.RepoRoot, s)), $"{dockerfile}: COPY source {s} does not exist"));
        }
        var assembly = Regex.Match(File.ReadAllText(Path.Combine(BuiltApps.RepoRoot, project)), "<AssemblyName>(.+)</AssemblyName>").Groups[1].Value;
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains($"\"{assembly}.dll\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("USER ", StringComparison.Ordinal)); // not root
    }
}
