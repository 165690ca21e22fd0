using System.Diagnostics;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using FreedomCti.Presence.Cluster.Tests.Deploy;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>deploy/ renders, is schema-valid for the kinds it uses, and keeps the zero-downtime invariants.</summary>
public sealed class DeployManifestTests(ITestOutputHelper output)
{
    private static string K8s(string path) => Path.Combine(BuiltApps.DeployDir, "k8s", path);

    [Fact]
    public void DevOverlay_RendersValidManifests_ThatKeepTheInvariants()
    {
        var objects = KustomizeLite.Render(K8s("overlays/dev"));

        Assert.Empty(ManifestSchema.Validate(objects));
        Assert.Empty(DeployInvariants.Check(objects));
        Assert.All(objects, o => Assert.Equal("presence-dev", (string?)o["metadata"]!["namespace"]));
        Assert.Equal(2, (long)objects.Get("Deployment", "presence-silo")["spec"]!["replicas"]!);
        Assert.All(objects.OfKind("Deployment").Where(d => Manifests.Name(d).StartsWith("presence-")),
            d => Assert.EndsWith(":dev", (string)Manifests.Containers(d).Single()["image"]!));
        Assert.NotNull(objects.Get("Deployment", "azurite"));
    }

    [Fact]
    public void Base_DefinesNoSecrets_OnlyReferencesThem()
    {
        var objects = KustomizeLite.Render(K8s("base"));

        Assert.Empty(objects.OfKind("Secret"));
        Assert.Empty(DeployInvariants.Check(objects));
        // The only dangling references are to the Secret the operator creates from the secret store.
        Assert.All(ManifestSchema.Validate(objects), e => Assert.Contains("references Secret 'presence-secrets'", e));
        Assert.Contains(ManifestSchema.SecretAndConfigReferences(objects), r => r.Kind == "Secret");
    }

    [Fact]
    public void Invariants_CatchABrokenDeployment()
    {
        var objects = KustomizeLite.Render(K8s("overlays/dev"));
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

        var errors = DeployInvariants.Check(objects).Concat(ManifestSchema.Validate(objects)).ToList();

        foreach (var expected in new[] { "maxUnavailable 0", "PodDisruptionBudget", "terminationGracePeriodSeconds", "readinessProbe", "secretKeyRef", "status.podIP", "must be a string" })
        {
            Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task KubectlKustomize_WhenInstalled_RendersTheSameObjects()
    {
        var kubectl = new[] { "/usr/bin/kubectl", "/usr/local/bin/kubectl" }.FirstOrDefault(File.Exists);
        if (kubectl is null)
        {
            output.WriteLine("kubectl is not installed: only kustomize-lite rendered the overlay.");
            return;
        }
        var info = new ProcessStartInfo(kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("kustomize");
        info.ArgumentList.Add(K8s("overlays/dev"));
        using var process = Process.Start(info)!;
        var yaml = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(process.ExitCode == 0, await stderr);
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, await yaml);
            var rendered = YamlJson.LoadAll(file);
            Assert.Empty(ManifestSchema.Validate(rendered));
            Assert.Empty(DeployInvariants.Check(rendered));
            static IEnumerable<string> Ids(IEnumerable<JsonObject> objects) => objects.Select(o => $"{Manifests.Kind(o)}/{Manifests.Name(o)}").Order();
            Assert.Equal(Ids(KustomizeLite.Render(K8s("overlays/dev"))), Ids(rendered));
            output.WriteLine($"kubectl kustomize rendered {rendered.Count} objects, the same as kustomize-lite.");
        }
        finally
        {
            File.Delete(file);
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
