using Orleans.Concurrency;

namespace FreedomCti.Presence;

/// <summary>A gateway's receiver for one group topic: the group grain sends it each change, one-way, in seq order.</summary>
/// <remarks>Best effort, like <see cref="IUserObserver"/>: the seq tells the gateway what it missed.</remarks>
[Alias("fcti.IGroupObserver")]
public interface IGroupObserver : IGrainObserver
{
    [OneWay, Alias("OnEvent")]
    Task OnEventAsync(GroupEvent evt);

    /// <summary>The activation that held this watch is ending (deactivation, silo shutdown): watch again to reach the next one.</summary>
    [OneWay, Alias("OnMoved")]
    Task OnMovedAsync();
}
