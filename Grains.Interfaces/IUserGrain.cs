namespace FreedomCti.Presence;

/// <summary>One user's presence, keyed "{orgId}/{userId}"; sends every change to the gateways watching it and to its groups.</summary>
/// <remarks>
/// Writes to a user that does not exist change nothing. The REST writes take an optional <see cref="WriteKey"/>: the
/// grain stores it with the change, so a retry with the same key is answered from the record instead of applied again.
/// They also take the caller's cancellation: a write cancelled before it is stored is not applied; once stored it
/// completes (the caller's retry with the key learns the outcome).
/// </remarks>
[Alias("fcti.IUserGrain")]
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>The current state, or null when the user is not in the directory.</summary>
    /// <remarks>
    /// Interleaves: a group activating reads its members' snapshots while a member may be awaiting that
    /// very group's UpdateMember; without interleaving the two would wait on each other until timeout.
    /// </remarks>
    [Alias("GetSnapshot"), Orleans.Concurrency.AlwaysInterleave]
    Task<UserSnapshot?> GetSnapshotAsync();

    /// <summary>
    /// The changes published with seq in (lastSeq, upToSeq], in order, from a small in-memory ring (about the last 64
    /// changes of the last 2 minutes); null unless it holds every one (then the caller sends a snapshot instead).
    /// </summary>
    /// <remarks>Interleaves like GetSnapshot: it only reads, and a gateway resuming a client must not queue behind writes.</remarks>
    [Alias("GetChangesSince"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<UserEvent>?> GetChangesSinceAsync(long lastSeq, long upToSeq);

    /// <summary>Registers or renews a gateway's watch of this user for <paramref name="lease"/>; nothing is registered for a user not in the directory.</summary>
    /// <remarks>Interleaves: a renewal must not queue behind a slow write, and it only touches the in-memory watcher set.</remarks>
    [Alias("Watch"), Orleans.Concurrency.AlwaysInterleave]
    Task<WatchReceipt> WatchAsync(IUserObserver observer, TimeSpan lease);

    /// <summary>Ends a gateway's watch (its last local subscriber left).</summary>
    [Alias("Unwatch"), Orleans.Concurrency.AlwaysInterleave]
    Task UnwatchAsync(IUserObserver observer);

    /// <summary>Creates the user or updates its profile; presence is kept.</summary>
    [Alias("UpsertProfile")]
    Task<UserSnapshot> UpsertProfileAsync(UserProfile profile);

    /// <summary>Removes the user; returns the groups it belonged to so the caller can drop it from them.</summary>
    [Alias("Delete")]
    Task<IReadOnlyList<string>> DeleteAsync();

    /// <summary>Sets the user's chosen status. During a call the status stays on_call and the choice applies when the call ends.</summary>
    [Alias("SetPresence")]
    Task<UserWriteResult> SetPresenceAsync(PresenceChange change, WriteKey? key = null, CancellationToken cancellation = default);

    /// <summary>Puts the user on a call (status on_call); the result says whether another call was already active.</summary>
    /// <remarks>The active call's id again is a no-op that answers Done and pushes the user's view to its groups again.</remarks>
    [Alias("StartCall")]
    Task<UserWriteResult> StartCallAsync(ActiveCall call, WriteKey? key = null, CancellationToken cancellation = default);

    /// <summary>Ends the active call and returns the user to the status it had before (or chose during) the call.</summary>
    [Alias("EndCall")]
    Task<UserWriteResult> EndCallAsync(string callId, WriteKey? key = null, CancellationToken cancellation = default);

    /// <summary>Records membership of a group and pushes the current state to it.</summary>
    [Alias("JoinGroup")]
    Task<bool> JoinGroupAsync(string groupId);

    /// <summary>Forgets membership of a group; the group side is changed by the directory.</summary>
    [Alias("LeaveGroup")]
    Task LeaveGroupAsync(string groupId);

    /// <summary>Opens a presence session under the organisation's <paramref name="policy"/>; re-opening an id renews it.</summary>
    [Alias("OpenSession")]
    Task<SessionResult> OpenSessionAsync(SessionOpen open, SessionPolicy policy, WriteKey? key = null, CancellationToken cancellation = default);

    /// <summary>A session heartbeat: renews its lease, optionally with a new session status or user activity.</summary>
    [Alias("ReportSession")]
    Task<SessionResult> ReportSessionAsync(string sessionId, SessionReport report);

    /// <summary>Ends a session by logout (offline at once if it was the last) or disconnect (grace first).</summary>
    [Alias("CloseSession")]
    Task<SessionResult> CloseSessionAsync(string sessionId, SessionEnd end, WriteKey? key = null, CancellationToken cancellation = default);

    /// <summary>The ids of the groups the user belongs to (what an agent's group picker may list).</summary>
    [Alias("GetGroups"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<string>> GetGroupsAsync();

    /// <summary>The user's live sessions.</summary>
    [Alias("GetSessions"), Orleans.Concurrency.AlwaysInterleave]
    Task<IReadOnlyList<SessionInfo>> GetSessionsAsync();
}

/// <summary>What a presence or call write did (presence writes are Done or UnknownUser).</summary>
[GenerateSerializer, Alias("fcti.CallOutcome")]
public enum CallOutcome
{
    Done = 0,
    UnknownUser = 1,
    /// <summary>StartCall while another call is active, or EndCall for a call that is not the active one.</summary>
    Conflict = 2,
    UnknownCall = 3,
}
