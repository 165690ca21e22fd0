using System.Collections.Concurrent;

namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>
/// Makes UpdateMember fail (or hang) for chosen groups, on every silo of the in-process cluster: a group that cannot
/// take a user's push while everything else works, which a real cluster cannot be asked for on cue.
/// </summary>
public sealed class GroupPushFaults : IIncomingGrainCallFilter
{
    public enum Fault { Fail, Hang }

    private static readonly ConcurrentDictionary<string, Fault> Groups = new(StringComparer.Ordinal);

    /// <summary>The group grain key ("{orgId}/{groupId}") misbehaves until the returned handle is disposed.</summary>
    public static IDisposable Inject(string groupKey, Fault fault)
    {
        Groups[groupKey] = fault;
        return new Release(groupKey);
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.Name == nameof(IGroupGrain.UpdateMemberAsync)
            && context.TargetId.Key.ToString() is { } key && Groups.TryGetValue(key, out var fault))
        {
            if (fault == Fault.Fail) throw new InvalidOperationException($"Injected: group {key} refuses member updates.");
            await Task.Delay(TimeSpan.FromSeconds(5)); // longer than UserGrain.GroupPushTimeout, shorter than any test bound
        }
        await context.Invoke();
    }

    private sealed class Release(string key) : IDisposable
    {
        public void Dispose() => Groups.TryRemove(key, out _);
    }
}
