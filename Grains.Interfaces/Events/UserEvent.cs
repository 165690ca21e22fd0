namespace FreedomCti.Presence;

[GenerateSerializer, Alias("fcti.UserEventKind")]
public enum UserEventKind
{
    /// <summary>Presence, profile or call changed; <see cref="UserEvent.User"/> is the new state.</summary>
    Changed = 0,
    /// <summary>The user was deleted from the directory.</summary>
    Removed = 1,
}

/// <summary>One change on a user's stream.</summary>
/// <param name="TraceParent">W3C trace context of the write that caused it, so the gateway's fan-out joins the writer's trace.</param>
[GenerateSerializer, Immutable, Alias("fcti.UserEvent")]
public sealed record UserEvent(long Seq, UserEventKind Kind, UserSnapshot? User, DateTimeOffset Timestamp, string? TraceParent = null);
