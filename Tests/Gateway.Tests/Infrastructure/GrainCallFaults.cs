using System.Collections.Concurrent;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// Makes the next calls to one grain fail the way a call to a grain whose silo was just killed does, before the cluster
/// has declared the death: rejected on the way (SiloUnavailableException), never run. Or makes a user grain look like
/// one of the version before session holders (<see cref="DropSessionHolders"/>), or holds the calls to one grain until the
/// test lets them go (<see cref="Hold"/>). Registered in every <see cref="GatewayHost"/>; does nothing
/// until a test arms it for a grain, so it only ever touches that test's own tenant.
/// </summary>
public sealed class GrainCallFaults : IOutgoingGrainCallFilter
{
    private readonly ConcurrentDictionary<GrainId, int> _armed = new();
    private int _rejected;

    /// <summary>Calls rejected so far (all grains).</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    public void RejectNext(IAddressable grain, int calls) => _armed[grain.GetGrainId()] = calls;

    private readonly ConcurrentDictionary<GrainId, bool> _holdersDropped = new();

    /// <summary>
    /// Session opens to this user grain lose their holder on the way, and the grain answers none: what a gateway sees of
    /// a silo of the version before holders, which does not know the field.
    /// </summary>
    public void DropSessionHolders(IAddressable userGrain) => _holdersDropped[userGrain.GetGrainId()] = true;

    private readonly ConcurrentDictionary<GrainId, Task> _held = new();

    /// <summary>
    /// Calls to this grain wait, before they are sent, until <paramref name="release"/> completes: a grid slower than any
    /// deadline the test sets, whatever the machine's load (a deadline timer raced against a real call can lose).
    /// </summary>
    public void Hold(IAddressable grain, Task release) => _held[grain.GetGrainId()] = release;

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        var target = context.TargetId;
        if (_holdersDropped.ContainsKey(target) && context.Request.GetArgumentCount() > 0 && context.Request.GetArgument(0) is SessionOpen { Holder: not null } open)
        {
            context.Request.SetArgument(0, open with { Holder = null });
        }
        while (_armed.TryGetValue(target, out var left) && left > 0)
        {
            if (!_armed.TryUpdate(target, left - 1, left)) continue;
            Interlocked.Increment(ref _rejected);
            throw new SiloUnavailableException("Test fault: unable to connect to the silo of this grain (it was just killed).");
        }
        if (_held.TryGetValue(target, out var release)) await release;
        await context.Invoke();
    }
}
