using System.Text.Json;

namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>Parses client frames without allocating a DOM; anything unexpected becomes an Invalid message, never an exception.</summary>
public static class ClientMessageParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    public static ClientMessage Parse(ReadOnlySpan<byte> utf8)
    {
        try
        {
            return ParseObject(utf8);
        }
        catch (JsonException)
        {
            return ClientMessage.Invalid("The frame is not valid JSON.");
        }
        catch (InvalidOperationException)
        {
            // Thrown by GetString() on a non-string token; the field had the wrong type.
            return ClientMessage.Invalid("A field has the wrong type: action, type, orgId, userId, groupId, token, sessionId, device and status are strings; activity is a boolean.");
        }
    }

    private static ClientMessage ParseObject(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, ReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return ClientMessage.Invalid("A message is a JSON object.");
        }

        string? action = null, type = null, orgId = null, userId = null, groupId = null, token = null;
        string? sessionId = null, device = null, status = null;
        var activity = false;
        long? lastSeq = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            reader.Read();
            if (name.SequenceEqual("action"u8)) action = StringOrNull(ref reader);
            else if (name.SequenceEqual("type"u8)) type = StringOrNull(ref reader);
            else if (name.SequenceEqual("orgId"u8)) orgId = StringOrNull(ref reader);
            else if (name.SequenceEqual("userId"u8)) userId = StringOrNull(ref reader);
            else if (name.SequenceEqual("groupId"u8)) groupId = StringOrNull(ref reader);
            else if (name.SequenceEqual("token"u8)) token = StringOrNull(ref reader);
            else if (name.SequenceEqual("sessionId"u8)) sessionId = StringOrNull(ref reader);
            else if (name.SequenceEqual("device"u8)) device = StringOrNull(ref reader);
            else if (name.SequenceEqual("status"u8)) status = StringOrNull(ref reader);
            else if (name.SequenceEqual("activity"u8)) activity = reader.TokenType != JsonTokenType.Null && reader.GetBoolean();
            else if (name.SequenceEqual("lastSeq"u8))
            {
                if (!TryReadSeq(ref reader, out lastSeq)) return ClientMessage.Invalid("lastSeq must be an integer of at least 0 (the last seq you received).");
            }
            else reader.Skip(); // unknown fields are ignored, so clients may add their own
        }
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return ClientMessage.Invalid("The frame is not valid JSON.");
        }

        return (action, type) switch
        {
            ("subscribe", _) => new ClientMessage(ClientMessageKind.Subscribe, orgId, userId, groupId) { LastSeq = lastSeq },
            ("unsubscribe", _) => new ClientMessage(ClientMessageKind.Unsubscribe, orgId, userId, groupId),
            ("refresh_token", _) when !string.IsNullOrEmpty(token) => new ClientMessage(ClientMessageKind.RefreshToken, Token: token),
            ("refresh_token", _) => ClientMessage.Invalid("refresh_token needs a \"token\"."),
            ("session_open", _) => new ClientMessage(ClientMessageKind.SessionOpen, orgId, userId, groupId) { Session = new(null, device, status, activity) },
            ("session_update", _) or ("session_close", _) when string.IsNullOrEmpty(sessionId) => ClientMessage.Invalid($"{action} needs a \"sessionId\"."),
            ("session_update", _) => new ClientMessage(ClientMessageKind.SessionUpdate, orgId, userId, groupId) { Session = new(sessionId, device, status, activity) },
            ("session_close", _) => new ClientMessage(ClientMessageKind.SessionClose, orgId, userId, groupId) { Session = new(sessionId, device, status, activity) },
            (null, "ping") => new ClientMessage(ClientMessageKind.Ping),
            (null, null) => ClientMessage.Invalid("A message needs an \"action\" (subscribe, unsubscribe, refresh_token) or a \"type\" (ping)."),
            (null, _) => ClientMessage.Invalid($"Unknown type '{Truncate(type)}'; the only client type is ping."),
            _ => ClientMessage.Invalid($"Unknown action '{Truncate(action)}'; actions are subscribe, unsubscribe, refresh_token, session_open, session_update and session_close."),
        };
    }

    /// <summary>lastSeq: a whole JSON number from 0 to 2^63-1, or null (absent); "12", 1.5, -1 and 1e400 are refused.</summary>
    private static bool TryReadSeq(ref Utf8JsonReader reader, out long? seq)
    {
        seq = null;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value < 0) return false;
        seq = value;
        return true;
    }

    private static string? StringOrNull(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.Null ? null : reader.GetString();

    // Echoed text is bounded so an error frame can never be used to amplify a hostile frame.
    private static string Truncate(string? value) =>
        value is null ? "" : value.Length <= 32 ? value : value[..32] + "…";
}
