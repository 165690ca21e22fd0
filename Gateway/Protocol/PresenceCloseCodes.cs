using System.Net.WebSockets;
using System.Reflection;
using System.Text.Json.Serialization;

namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>What a client should do after an error: its wire names are the "retry" column of every copy of the table.</summary>
public enum RetryClass
{
    /// <summary>Reconnecting (or subscribing again) cannot help: a wrong path, id, access or client.</summary>
    [JsonStringEnumMemberName("never")] Never,
    /// <summary>Only with a fresh token.</summary>
    [JsonStringEnumMemberName("new-token")] NewToken,
    /// <summary>Retry, waiting at least the error frame's retryAfterMs.</summary>
    [JsonStringEnumMemberName("after-hint")] AfterHint,
}

/// <summary>A code with the reason text sent with it (the same pair goes into the error frame) and what it means for a client.</summary>
/// <param name="Closes">Whether the error frame is followed by a close with this code (on a topic socket; on the
/// organisation socket an error naming a topic ends only that subscription).</param>
public readonly record struct PresenceError(int Code, string Message, RetryClass Retry, bool Closes = true)
{
    public WebSocketCloseStatus Status => (WebSocketCloseStatus)Code;
}

/// <summary>
/// Close and error codes: the one table every other copy is checked against (ProtocolFactsTests compares it with
/// docs/asyncapi.yaml, docs/protocol.md and the JavaScript client's src/protocol.js). 4001–4008 and 1011 are the
/// contract's; the others are standard WebSocket codes (RFC 6455 §7.4.1) or documented extensions.
/// </summary>
/// <remarks>
/// Retryable closes carry a jittered retryAfterMs (<see cref="RetryHints"/>): 1011, 1013 and 4004 a short one, 1012
/// a reconnect jitter, 4008 a long one (30 s or more).
/// </remarks>
public static class PresenceCloseCodes
{
    /// <summary>Malformed JSON, an unknown action or type, or a field of the wrong type; sent as an error frame, the socket stays open.</summary>
    public static readonly PresenceError InvalidMessage = new(4000, "INVALID_MESSAGE", RetryClass.Never, Closes: false);
    public static readonly PresenceError InvalidOrgId = new(4001, "INVALID_ORG_ID", RetryClass.Never);
    public static readonly PresenceError InvalidUserId = new(4002, "INVALID_USER_ID", RetryClass.Never);
    public static readonly PresenceError Unauthorized = new(4003, "UNAUTHORIZED", RetryClass.NewToken);
    public static readonly PresenceError SubscriptionFailed = new(4004, "SUBSCRIPTION_FAILED", RetryClass.AfterHint);
    public static readonly PresenceError InvalidGroupId = new(4005, "INVALID_GROUP_ID", RetryClass.Never);
    public static readonly PresenceError GroupAccessDenied = new(4006, "GROUP_ACCESS_DENIED", RetryClass.Never);
    public static readonly PresenceError ConnectionLimitExceeded = new(4008, "CONNECTION_LIMIT_EXCEEDED", RetryClass.AfterHint);
    /// <summary>An organisation socket already watches its limit of topics: the subscribe is refused, the socket stays open.</summary>
    public static readonly PresenceError SubscriptionLimitExceeded = new(4009, "SUBSCRIPTION_LIMIT_EXCEEDED", RetryClass.Never, Closes: false);
    public static readonly PresenceError ServerError = new(1011, "SERVER_ERROR", RetryClass.AfterHint);

    /// <summary>A binary frame: the protocol is JSON text only.</summary>
    public static readonly PresenceError UnsupportedData = new(1003, "UNSUPPORTED_DATA", RetryClass.Never);
    /// <summary>The client sent more messages per second than allowed.</summary>
    public static readonly PresenceError RateLimited = new(1008, "RATE_LIMITED", RetryClass.Never);
    /// <summary>A client frame larger than the limit.</summary>
    public static readonly PresenceError MessageTooBig = new(1009, "MESSAGE_TOO_BIG", RetryClass.Never);
    /// <summary>The client does not read fast enough and its bounded send queue filled up; reconnect and resync.</summary>
    public static readonly PresenceError SlowConsumer = new(1013, "SLOW_CONSUMER", RetryClass.AfterHint);
    /// <summary>The gateway is shutting down; reconnect (to another gateway) after a short, jittered delay.</summary>
    public static readonly PresenceError ServiceRestart = new(1012, "SERVICE_RESTART", RetryClass.AfterHint);

    /// <summary>Every code above.</summary>
    public static IReadOnlyList<PresenceError> All { get; } = typeof(PresenceCloseCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(PresenceError)).Select(f => (PresenceError)f.GetValue(null)!).ToArray();
}
