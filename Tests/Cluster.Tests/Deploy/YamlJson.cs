using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FreedomCti.Presence.Cluster.Tests.Deploy;

/// <summary>
/// Multi-document YAML to JSON nodes with YAML 1.2 core-schema typing: a plain 8080 is a number, a quoted "8080" a string.
/// Keeping that difference is what lets the checks catch an unquoted number in a ConfigMap or an env value.
/// </summary>
public static class YamlJson
{
    public static List<JsonObject> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        return Load(reader);
    }

    public static List<JsonObject> LoadAllText(string yaml)
    {
        using var reader = new StringReader(yaml);
        return Load(reader);
    }

    private static List<JsonObject> Load(TextReader reader)
    {
        var stream = new YamlStream();
        stream.Load(reader);
        return stream.Documents
            .Where(d => d.RootNode is YamlMappingNode)
            .Select(d => (JsonObject)Convert(d.RootNode)!)
            .ToList();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(kv =>
            KeyValuePair.Create(((YamlScalarNode)kv.Key).Value!, Convert(kv.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(Convert).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.NodeType} at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain) return JsonValue.Create(text);
        if (text is "" or "~" or "null") return null;
        if (text is "true" or "false") return JsonValue.Create(text == "true");
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)) return JsonValue.Create(number);
        return JsonValue.Create(text);
    }
}
