namespace FreedomCti.Presence.Gateway.Protocol;

public enum ClientMessageKind
{
    Invalid,
    Subscribe,
    Unsubscribe,
    Ping,
    RefreshToken,
    SessionOpen,
    SessionUpdate,
    SessionClose,
}

/// <summary>One parsed client frame. For <see cref="ClientMessageKind.Invalid"/>, <see cref="Problem"/> says what was wrong.</summary>
public sealed record ClientMessage(
    ClientMessageKind Kind,
    string? OrgId = null,
    string? UserId = null,
    string? GroupId = null,
    string? Problem = null,
    string? Token = null)
{
    /// <summary>session_open: the device name; session_update/session_close: see <see cref="Session"/>.</summary>
    public SessionFields? Session { get; init; }

    /// <summary>subscribe only: the last seq the client saw on this topic, asking to be resumed instead of sent a snapshot.</summary>
    public long? LastSeq { get; init; }

    public static ClientMessage Invalid(string problem) => new(ClientMessageKind.Invalid, Problem: problem);
}

/// <summary>The fields of the session_* messages (docs/presence-sessions.md).</summary>
public sealed record SessionFields(string? SessionId, string? Device, string? Status, bool Activity);
