using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// The wallboard's static files and the JavaScript client, embedded in the gateway assembly (see Gateway.csproj) so
/// that a build, a publish and the container image all carry them, whatever the content root or environment.
/// Resource names are the served paths: "wallboard/board.js", "client/index.js".
/// </summary>
public sealed class WallboardAssets
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".mjs"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".json"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly FrozenDictionary<string, Asset> _assets;

    private WallboardAssets(FrozenDictionary<string, Asset> assets) => _assets = assets;

    public sealed record Asset(byte[] Content, string ContentType, string ETag);

    public static WallboardAssets FromAssembly(Assembly assembly)
    {
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var path = name.Replace('\\', '/');
            if (!path.StartsWith("wallboard/", StringComparison.Ordinal) && !path.StartsWith("client/", StringComparison.Ordinal)) continue;
            if (!ContentTypes.TryGetValue(Path.GetExtension(path), out var type)) continue;
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            assets[path] = new Asset(bytes, type, $"\"{Convert.ToHexString(SHA256.HashData(bytes))[..32]}\"");
        }
        return new WallboardAssets(assets.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>Only exact embedded names are served: "..", absolute paths and anything else are simply not found.</summary>
    public Asset? Find(string path) => _assets.GetValueOrDefault(path);

    public IEnumerable<string> Paths => _assets.Keys;
}
