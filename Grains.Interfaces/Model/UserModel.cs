namespace FreedomCti.Presence;

/// <summary>What a user's endpoint can do with calls.</summary>
[GenerateSerializer, Immutable, Alias("fcti.Capabilities")]
public sealed record Capabilities(bool CanReceiveCalls, bool CanMakeOutbound, bool CanTransfer)
{
    public static readonly Capabilities Default = new(true, true, true);
}

/// <summary>Directory data of a user: who they are and how to reach them.</summary>
[GenerateSerializer, Immutable, Alias("fcti.UserProfile")]
public sealed record UserProfile(string DisplayName, string? Extension, Capabilities Capabilities);

[GenerateSerializer, Alias("fcti.CallDirection")]
public enum CallDirection
{
    Inbound = 0,
    Outbound = 1,
}

/// <summary>The call a user is on.</summary>
[GenerateSerializer, Immutable, Alias("fcti.ActiveCall")]
public sealed record ActiveCall(string CallId, CallDirection Direction, string? RemoteParty, DateTimeOffset StartedAt);

/// <summary>A presence write: the status a user chose and an optional free-text message.</summary>
[GenerateSerializer, Immutable, Alias("fcti.PresenceChange")]
public sealed record PresenceChange(PresenceStatus Status, string? StatusMessage);

/// <summary>The full, current state of one user: the document a user subscription starts from.</summary>
/// <param name="Seq">Grows by one on every change of this user; the user topic's sequence number.</param>
/// <param name="PreviousStatus">The status before the most recent status transition.</param>
/// <param name="ChangedAt">When this state was produced (the event timestamp).</param>
/// <param name="Stale">The user's last session ended or expired and the grace period is running: the status may no longer be true.</param>
/// <param name="LastConfirmedAt">While stale: when a client last confirmed the user's presence; otherwise null.</param>
/// <param name="Source">What decided the current status.</param>
/// <param name="StatusSince">When the user entered the current status (a change of message, profile or call keeps it).</param>
/// <param name="InSession">The user holds at least one presence session.</param>
[GenerateSerializer, Immutable, Alias("fcti.UserSnapshot")]
public sealed record UserSnapshot(
    string OrgId,
    string UserId,
    long Seq,
    UserProfile Profile,
    PresenceStatus Status,
    PresenceStatus PreviousStatus,
    string? StatusMessage,
    DateTimeOffset LastActivity,
    ActiveCall? ActiveCall,
    DateTimeOffset ChangedAt,
    bool Stale = false,
    DateTimeOffset? LastConfirmedAt = null,
    PresenceSource Source = PresenceSource.None,
    DateTimeOffset? StatusSince = null,
    bool InSession = false);
