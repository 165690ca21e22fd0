using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// docs/asyncapi.yaml, loaded as JSON, with a JSON Schema validator for each message it declares. Payload schemas
/// refer to components/schemas; each message's validator is one JSON Schema document whose $defs are those components.
/// </summary>
public sealed partial class AsyncApiDocument
{
    /// <summary>A message of the document: its key under components/messages, its wire name, and its schema.</summary>
    public sealed record Message(string Key, string WireName, JsonSchema Schema);

    private readonly Dictionary<string, Message> _messages = [];

    public JsonObject Root { get; }

    /// <summary>Wire names of the messages a client receives (receive operations), e.g. "presence_update".</summary>
    public IReadOnlySet<string> ReceivedTypes { get; }

    /// <summary>Wire names of the messages a client sends (send operations), e.g. "subscribe".</summary>
    public IReadOnlySet<string> SentNames { get; }

    public static AsyncApiDocument Load() => new(YamlToJson(File.ReadAllText(PathInRepository("docs/asyncapi.yaml"))));

    private AsyncApiDocument(JsonObject root)
    {
        Root = root;
        var schemas = root["components"]!["schemas"]!.AsObject();
        foreach (var (key, message) in root["components"]!["messages"]!.AsObject())
        {
            var payload = message!["payload"]!.DeepClone();
            var document = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = schemas.DeepClone(),
                ["allOf"] = new JsonArray(payload),
            };
            var text = document.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
            var options = new BuildOptions { SchemaRegistry = new SchemaRegistry() };
            var schema = JsonSchema.FromText(text, options, new Uri($"https://asyncapi.test/{key}"));
            _messages[key] = new Message(key, (string)message["name"]!, schema);
        }
        ReceivedTypes = MessagesOf("receive").Select(m => m.WireName).ToHashSet();
        SentNames = MessagesOf("send").Select(m => m.WireName).ToHashSet();
    }

    public IReadOnlyCollection<Message> Messages => _messages.Values;

    /// <summary>The channel (its key under channels) whose address a socket's path matches, e.g. "userPresence".</summary>
    public string ChannelOf(string path)
    {
        foreach (var (key, channel) in Root["channels"]!.AsObject())
        {
            var pattern = "^" + Regex.Replace(Regex.Escape((string)channel!["address"]!), @"\\\{[^}]+\}", "[^/]+") + "$";
            if (Regex.IsMatch(path, pattern)) return key;
        }
        throw new ArgumentException($"No channel of docs/asyncapi.yaml has the address {path}.");
    }

    /// <summary>The messages of every operation with this action (on one channel, if given), resolved to components/messages.</summary>
    public IEnumerable<Message> MessagesOf(string action, string? channel = null)
    {
        foreach (var (_, operation) in Root["operations"]!.AsObject())
        {
            if ((string?)operation!["action"] != action) continue;
            if (channel is not null && (string?)operation["channel"]!["$ref"] != $"#/channels/{channel}") continue;
            foreach (var reference in operation["messages"]!.AsArray())
            {
                var channelMessage = Resolve((string)reference!["$ref"]!);
                var key = ((string)channelMessage["$ref"]!).Split('/').Last();
                yield return _messages[key];
            }
        }
    }

    /// <summary>
    /// Validates a frame the gateway sent against the receive messages of its "type" on <paramref name="channel"/>
    /// (the organisation socket has two kinds of "error"): valid when one of them accepts it. Returns the problems
    /// found: none when the frame is valid.
    /// </summary>
    public IReadOnlyList<string> ValidateReceived(JsonObject frame, string channel)
    {
        var type = frame["type"]?.GetValueKind() == JsonValueKind.String ? (string)frame["type"]! : null;
        var candidates = MessagesOf("receive", channel).Where(m => m.WireName == type).Distinct().ToList();
        if (candidates.Count == 0) return [$"the document declares no received message of type '{type}' on {channel}"];
        var problems = new List<string>();
        foreach (var candidate in candidates)
        {
            var found = Validate(candidate, frame);
            if (found.Count == 0) return [];
            problems.AddRange(found.Select(p => $"{candidate.Key}: {p}"));
        }
        return problems;
    }

    public static IReadOnlyList<string> Validate(Message message, JsonNode instance)
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
        var result = message.Schema.Evaluate(JsonSerializer.SerializeToElement(instance), options);
        if (result.IsValid) return [];
        return [.. (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid (no detail)")];
    }

    private JsonObject Resolve(string reference)
    {
        JsonNode node = Root;
        foreach (var part in reference.TrimStart('#', '/').Split('/')) node = node[part.Replace("~1", "/").Replace("~0", "~")]!;
        return node.AsObject();
    }

    /// <summary>Finds a file of the repository from the test's output folder.</summary>
    public static string PathInRepository(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}.");
    }

    // ---- YAML to JSON: plain scalars get YAML 1.2 core types (null, booleans, numbers), quoted ones stay strings.

    public static JsonObject YamlToJson(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return Convert(stream.Documents[0].RootNode)!.AsObject();
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            KeyValuePair.Create(((YamlScalarNode)c.Key).Value!, Convert(c.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.GetType().Name} at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any)) return JsonValue.Create(text);
        if (text is "" or "~" or "null") return null;
        if (text is "true") return JsonValue.Create(true);
        if (text is "false") return JsonValue.Create(false);
        // Parsed as JSON, so that the value converts to any numeric type the reader asks for.
        if (NumberPattern().IsMatch(text)) return JsonNode.Parse(text);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?$")]
    private static partial Regex NumberPattern();
}
