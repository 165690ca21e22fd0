using System.Text.Json.Nodes;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>Which topic a frame of an organisation socket belongs to, the way a client demultiplexes: by the ids it carries.</summary>
public static class TopicFrames
{
    /// <summary>"user:{userId}" or "group:{groupId}"; null for frames that name no topic (pong, token_refreshed, session replies, socket errors).</summary>
    public static string? TopicOf(JsonObject frame)
    {
        switch ((string?)frame["type"])
        {
            case "presence_update":
                return $"user:{(string?)frame["data"]!["userId"]}";
            case "group_presence_update" or "member_presence_update":
                return $"group:{(string?)frame["data"]!["groupId"]}";
            default:
                if (frame["userId"] is not null) return $"user:{(string?)frame["userId"]}";
                if (frame["groupId"] is not null) return $"group:{(string?)frame["groupId"]}";
                return null;
        }
    }

    public static bool Is(this JsonObject frame, string type, string topic) => (string?)frame["type"] == type && TopicOf(frame) == topic;

    /// <summary>The next frame of <paramref name="topic"/> (frames of other topics are skipped).</summary>
    public static Task<JsonObject> ReceiveForAsync(this PresenceSocket socket, string topic, TimeSpan? timeout = null) =>
        socket.ReceiveUntilAsync(m => TopicOf(m) == topic, timeout);

    /// <summary>Receives until every topic has sent one frame; returns them by topic (other frames are kept out).</summary>
    public static async Task<Dictionary<string, JsonObject>> ReceiveOneEachAsync(this PresenceSocket socket, params string[] topics)
    {
        var found = new Dictionary<string, JsonObject>();
        while (found.Count < topics.Length)
        {
            var frame = await socket.ReceiveAsync();
            if (TopicOf(frame) is { } topic && topics.Contains(topic)) found.TryAdd(topic, frame);
        }
        return found;
    }
}
