using FreedomCti.Presence.Hosting;

namespace FreedomCti.Presence.Tests.Hosting;

/// <summary>
/// Why MembershipClock exists: Orleans' watchdog may read a participant-check timestamp of 0 at start and report the
/// time since 0 as a stall. Counted from the machine's boot that is its uptime; counted from the clock's start, moments.
/// </summary>
public sealed class MembershipClockTests
{
    [Fact]
    public void TimeSinceZero_IsTheClocksAge_NotTheMachinesUptime()
    {
        var clock = new MembershipClock();
        Assert.True(clock.GetElapsedTime(0) < TimeSpan.FromSeconds(5), $"{clock.GetElapsedTime(0)} since 0");
        Assert.NotEqual(0, clock.GetTimestamp());
    }

    [Fact]
    public void OnlyTheOriginMoves_TicksAndTheWallClockAreTheSystems()
    {
        var clock = new MembershipClock();
        var before = clock.GetTimestamp();
        Assert.Equal(TimeProvider.System.TimestampFrequency, clock.TimestampFrequency);
        Assert.True(clock.GetTimestamp() >= before);
        Assert.InRange(clock.GetUtcNow(), DateTimeOffset.UtcNow.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }
}
