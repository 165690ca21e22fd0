using System.Net.WebSockets;

namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>A close code with the reason text sent with it; the same pair goes into the error frame.</summary>
public readonly record struct PresenceError(int Code, string Message)
{
    public WebSocketCloseStatus Status => (WebSocketCloseStatus)Code;
}

/// <summary>
/// Close and error codes. 4001–4008 and 1011 are the contract's; the others are standard WebSocket codes
/// (RFC 6455 §7.4.1) or documented extensions.
/// </summary>
/// <remarks>
/// Reconnect classes (docs/protocol.md): 1011, 1012, 1013 and 4004 are transient — reconnect with backoff; 4008 is
/// transient but should back off longer (30 s or more); their error frames carry a jittered retryAfterMs
/// (<see cref="RetryHints"/>). 4001, 4002, 4005 are terminal for that path; 4003 and 4006 need a different token;
/// 1003, 1008, 1009 and 4000 are client bugs.
/// </remarks>
public static class PresenceCloseCodes
{
    /// <summary>Malformed JSON, an unknown action or type, or a field of the wrong type; sent as an error frame, the socket stays open.</summary>
    public static readonly PresenceError InvalidMessage = new(4000, "INVALID_MESSAGE");
    public static readonly PresenceError InvalidOrgId = new(4001, "INVALID_ORG_ID");
    public static readonly PresenceError InvalidUserId = new(4002, "INVALID_USER_ID");
    public static readonly PresenceError Unauthorized = new(4003, "UNAUTHORIZED");
    public static readonly PresenceError SubscriptionFailed = new(4004, "SUBSCRIPTION_FAILED");
    public static readonly PresenceError InvalidGroupId = new(4005, "INVALID_GROUP_ID");
    public static readonly PresenceError GroupAccessDenied = new(4006, "GROUP_ACCESS_DENIED");
    public static readonly PresenceError ConnectionLimitExceeded = new(4008, "CONNECTION_LIMIT_EXCEEDED");
    /// <summary>An organisation socket already watches its limit of topics: the subscribe is refused, the socket stays open.</summary>
    public static readonly PresenceError SubscriptionLimitExceeded = new(4009, "SUBSCRIPTION_LIMIT_EXCEEDED");
    public static readonly PresenceError ServerError = new(1011, "SERVER_ERROR");

    /// <summary>A binary frame: the protocol is JSON text only.</summary>
    public static readonly PresenceError UnsupportedData = new(1003, "UNSUPPORTED_DATA");
    /// <summary>The client sent more messages per second than allowed.</summary>
    public static readonly PresenceError RateLimited = new(1008, "RATE_LIMITED");
    /// <summary>A client frame larger than the limit.</summary>
    public static readonly PresenceError MessageTooBig = new(1009, "MESSAGE_TOO_BIG");
    /// <summary>The client does not read fast enough and its bounded send queue filled up; reconnect and resync.</summary>
    public static readonly PresenceError SlowConsumer = new(1013, "SLOW_CONSUMER");
    /// <summary>The gateway is shutting down; reconnect (to another gateway) after a short, jittered delay.</summary>
    public static readonly PresenceError ServiceRestart = new(1012, "SERVICE_RESTART");
}
