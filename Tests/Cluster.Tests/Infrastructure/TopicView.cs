using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// What a subscriber believes about a user or a group, reduced to what must match the truth: the seq and a
/// fingerprint (user: status and message; group: every member's status). Built the same way from socket frames and REST documents.
/// </summary>
public sealed record TopicView(long Seq, string Fingerprint)
{
    public static TopicView OfUser(JsonNode document) =>
        new((long)document["seq"]!, UserFingerprint(document["data"]!));

    public static string UserFingerprint(JsonNode data) => $"{(string?)data["status"]}|{(string?)data["statusMessage"]}";

    public static TopicView OfGroup(JsonNode document) =>
        new((long)document["seq"]!, GroupFingerprint(Members(document["data"]!)));

    public static Dictionary<string, string> Members(JsonNode data) =>
        data["members"]!.AsArray().ToDictionary(m => (string)m!["userId"]!, m => (string)m!["status"]!);

    public static string GroupFingerprint(IReadOnlyDictionary<string, string> members) =>
        string.Join(",", members.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));

    public override string ToString() => $"seq {Seq}: {Fingerprint}";
}
