using Microsoft.Extensions.DependencyInjection;

namespace FreedomCti.Presence.Hosting;

/// <summary>
/// The clock of Orleans' membership area (<see cref="TimeProviderNames.Membership"/>: membership, probes and the silo
/// watchdog), with timestamps counted from this silo's start instead of the machine's boot.
/// </summary>
/// <remarks>
/// Why: a race in Orleans' <c>Watchdog.Start</c> (10.4.2, still in its main branch). It starts the platform watchdog
/// thread before it sets the participant-check timestamp; the thread's first check reads 0 and finds "Participant
/// check thread has not completed for {the machine's uptime} … lock contention or deadlock" — a warning on most starts
/// of a busy machine, also recorded as a local health event that counts against the silo's health score. Counted from
/// here, the unset timestamp is as old as the silo's start (seconds), below the watchdog's threshold (twice
/// ClusterMembershipOptions.LocalHealthDegradationMonitoringPeriod, 20 s). Only the origin moves: membership measures
/// elapsed time between its own timestamps and marks "never" with null, not 0. Orleans resolves each area's clock by
/// key and lets an application override one; this does exactly that.
/// </remarks>
public sealed class MembershipClock : TimeProvider
{
    // One tick before now, so that no timestamp this clock hands out is ever 0.
    private readonly long _origin = System.GetTimestamp() - 1;

    public override long GetTimestamp() => System.GetTimestamp() - _origin;
    public override long TimestampFrequency => System.TimestampFrequency;
    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();
    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        System.CreateTimer(callback, state, dueTime, period);
}

/// <summary>Installs <see cref="MembershipClock"/> on a silo.</summary>
public static class MembershipClockExtensions
{
    public static ISiloBuilder UseMembershipClock(this ISiloBuilder silo)
    {
        silo.Services.AddKeyedSingleton<TimeProvider>(TimeProviderNames.Membership, (_, _) => new MembershipClock());
        return silo;
    }
}
