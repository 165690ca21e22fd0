using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests.Docs;

/// <summary>
/// The configuration keys the built apps read: every settable property of each options class (a type with a
/// <c>const string Section</c>, nested option objects included), found by reading the assemblies without running them,
/// plus the keys the code reads directly by name (<c>GetValue("Demo:Seed")</c>, <c>configuration["Demo:Activity"]</c>).
/// And the keys a Markdown document's tables name.
/// </summary>
public static partial class ConfigurationKeys
{
    private static readonly string[] OurAssemblies =
        ["FreedomCti.Presence.Gateway", "FreedomCti.Presence.Silo", "FreedomCti.Presence.Grains", "FreedomCti.Presence.ServiceDefaults"];

    private static readonly string[] SourceFolders = ["Gateway", "Silo", "Grains", "ServiceDefaults"];

    /// <summary>Keys of the options classes, by section ("Cluster:Membership:ProbeTimeout").</summary>
    public static SortedSet<string> OfOptionsClasses()
    {
        var bins = new[] { BuiltApps.GatewayDll, BuiltApps.SiloDll }.Select(Path.GetDirectoryName).ToArray();
        var files = bins.SelectMany(b => Directory.GetFiles(b!, "*.dll"))
            .Concat(FrameworkDirectories().SelectMany(d => Directory.GetFiles(d, "*.dll")))
            .GroupBy(Path.GetFileName).Select(g => g.First());
        using var context = new MetadataLoadContext(new PathAssemblyResolver(files));
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in OurAssemblies)
        {
            foreach (var type in context.LoadFromAssemblyName(name).GetTypes())
            {
                if (type.GetField("Section", BindingFlags.Public | BindingFlags.Static) is { IsLiteral: true } section)
                {
                    Collect(type, (string)section.GetRawConstantValue()!, keys);
                }
            }
        }
        return keys;
    }

    /// <summary>Keys the code reads by name from IConfiguration, outside any options class.</summary>
    public static SortedSet<string> ReadByName() =>
        new(SourceFolders
            .SelectMany(folder => Directory.EnumerateFiles(Path.Combine(BuiltApps.RepoRoot, folder), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => KeyReadByName().Matches(File.ReadAllText(f)).Select(m => m.Groups["key"].Value)), StringComparer.Ordinal);

    /// <summary>
    /// The keys named in a document's tables: each backticked name in a row's first cell; under a heading "### `Section`",
    /// a name without its section ("`SiloPort`", "`Membership:ProbeTimeout`") is that section's.
    /// </summary>
    public static SortedSet<string> DocumentedIn(string markdownPath, IReadOnlySet<string> sections)
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        string? section = null;
        foreach (var line in File.ReadLines(markdownPath))
        {
            if (line.StartsWith('#'))
            {
                section = SectionHeading().Match(line) is { Success: true } heading ? heading.Groups["section"].Value : null;
                continue;
            }
            if (!line.StartsWith('|')) continue;
            var firstCell = line.Split('|', StringSplitOptions.TrimEntries)[1];
            foreach (Match name in Backticked().Matches(firstCell))
            {
                var key = name.Groups["name"].Value.Split('=')[0]; // "Gateway:ApiDocs=false" names Gateway:ApiDocs
                if (key.Contains('…') || key.Contains('/') || key.Contains(' ')) continue; // "…RetryJitter", routes, values
                var first = key.Split(':')[0];
                keys.Add(sections.Contains(first) || section is null ? key : $"{section}:{key}");
            }
        }
        return keys;
    }

    /// <summary>Whether a documented name (possibly "KeepAlive*") covers a key.</summary>
    public static bool Covers(string documented, string key) =>
        documented.EndsWith('*') ? key.StartsWith(documented[..^1], StringComparison.Ordinal) : documented == key;

    private static void Collect(Type type, string prefix, SortedSet<string> keys)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetSetMethod() is null) continue;
            var key = $"{prefix}:{property.Name}";
            // A nested options object of ours (Cluster:Membership) is a section of its own; anything else is one value.
            if (property.PropertyType.IsClass && OurAssemblies.Contains(property.PropertyType.Assembly.GetName().Name)) Collect(property.PropertyType, key, keys);
            else keys.Add(key);
        }
    }

    /// <summary>The shared frameworks the apps run on (Microsoft.NETCore.App, Microsoft.AspNetCore.App), same version line.</summary>
    private static IEnumerable<string> FrameworkDirectories()
    {
        var core = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        var shared = Path.GetDirectoryName(Path.GetDirectoryName(core))!;
        var version = Path.GetFileName(core);
        var aspnet = Directory.GetDirectories(Path.Combine(shared, "Microsoft.AspNetCore.App"))
            .Where(d => Path.GetFileName(d).Split('.')[0] == version.Split('.')[0])
            .OrderBy(d => Version.TryParse(Path.GetFileName(d).Split('-')[0], out var v) ? v : new Version())
            .Last();
        return [core, aspnet];
    }

    [GeneratedRegex(@"(?:GetValue(?:<[^>]*>)?\(\s*|[Cc]onfiguration\[\s*)""(?<key>[A-Z][A-Za-z]*(?::[A-Z][A-Za-z]*)+)""")]
    private static partial Regex KeyReadByName();

    [GeneratedRegex(@"^###\s+`(?<section>[A-Za-z]+)`")]
    private static partial Regex SectionHeading();

    [GeneratedRegex(@"`(?<name>[^`]+)`")]
    private static partial Regex Backticked();
}
