using Orleans.Concurrency;

namespace FreedomCti.Presence;

/// <summary>A gateway's receiver for one user topic: the user grain sends it each change, one-way, in seq order.</summary>
/// <remarks>
/// Best effort by design: a lost event shows up as a seq gap (or as a grain ahead at the next renewal) and the gateway
/// resyncs from the grain's snapshot, so a failed delivery never blocks or fails the write that caused it.
/// </remarks>
[Alias("fcti.IUserObserver")]
public interface IUserObserver : IGrainObserver
{
    [OneWay, Alias("OnEvent")]
    Task OnEventAsync(UserEvent evt);

    /// <summary>The activation that held this watch is ending (deactivation, silo shutdown): watch again to reach the next one.</summary>
    [OneWay, Alias("OnMoved")]
    Task OnMovedAsync();
}
