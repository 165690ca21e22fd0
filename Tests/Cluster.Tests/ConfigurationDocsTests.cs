using FreedomCti.Presence.Cluster.Tests.Docs;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// docs/operations.md lists every configuration key the built apps read, and no document names a key of an options
/// section that does not exist.
/// </summary>
public sealed class ConfigurationDocsTests
{
    private static readonly SortedSet<string> OptionKeys = ConfigurationKeys.OfOptionsClasses();
    private static readonly SortedSet<string> AllKeys = new(OptionKeys.Concat(ConfigurationKeys.ReadByName()), StringComparer.Ordinal);
    private static readonly HashSet<string> Sections = [.. AllKeys.Select(k => k.Split(':')[0])];

    [Fact]
    public void TheKeysAreFound_InOptionsClassesAndWhereTheyAreReadByName()
    {
        Assert.Contains("Cluster:Membership:ProbeTimeout", OptionKeys); // nested option objects
        Assert.Contains("Limits:TrustedProxyNetworks", OptionKeys);
        Assert.Contains("Silo:ShutdownTimeout", OptionKeys);
        Assert.Contains("Management:Urls", OptionKeys);
        Assert.Contains("Demo:Seed", AllKeys); // read with GetValue
        Assert.Contains("Demo:Activity", AllKeys); // read with configuration[...]
    }

    [Fact]
    public void OperationsMd_ListsEveryConfigurationKey()
    {
        var documented = ConfigurationKeys.DocumentedIn(Doc("docs/operations.md"), Sections);
        var missing = AllKeys.Where(k => !documented.Any(d => ConfigurationKeys.Covers(d, k))).ToList();
        Assert.True(missing.Count == 0, $"docs/operations.md does not list: {string.Join(", ", missing)}");
    }

    [Theory]
    [InlineData("docs/operations.md")]
    [InlineData("docs/security.md")]
    [InlineData("README.md")]
    public void EveryKeyOfAnOptionsSection_ThatADocumentNames_Exists(string document)
    {
        var optionSections = OptionKeys.Select(k => k.Split(':')[0]).ToHashSet();
        var unknown = ConfigurationKeys.DocumentedIn(Doc(document), Sections)
            .Where(d => optionSections.Contains(d.Split(':')[0]) && !OptionKeys.Any(k => ConfigurationKeys.Covers(d, k)))
            .ToList();
        Assert.True(unknown.Count == 0, $"{document} names keys that no options class has: {string.Join(", ", unknown)}");
    }

    private static string Doc(string path) => Path.Combine(BuiltApps.RepoRoot, path);
}
