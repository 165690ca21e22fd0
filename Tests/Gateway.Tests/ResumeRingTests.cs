using System.Text;
using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Tests;

/// <summary>A topic's ring of sent frames: whole ranges or nothing, bounded by count and age, restarted by a gap.</summary>
public sealed class ResumeRingTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    private static ResumeRing Filled(long from, long to, int capacity = 64)
    {
        var ring = new ResumeRing(capacity, TimeSpan.FromMinutes(2));
        for (var seq = from; seq <= to; seq++) ring.Add(seq, Encoding.UTF8.GetBytes($"f{seq}"), T0);
        return ring;
    }

    private static List<string>? Copy(ResumeRing ring, long after, long upTo, DateTimeOffset? now = null)
    {
        var frames = new List<byte[]>();
        return ring.TryCopy(after, upTo, now ?? T0, frames) ? frames.Select(f => Encoding.UTF8.GetString(f)).ToList() : null;
    }

    [Fact]
    public void TryCopy_ARangeItHolds_AppendsExactlyThoseFrames_OtherwiseNothing()
    {
        var ring = Filled(101, 200, capacity: 64); // holds 137..200

        Assert.Equal(["f198", "f199", "f200"], Copy(ring, 197, 200));
        Assert.Empty(Copy(ring, 200, 200)!);
        Assert.NotNull(Copy(ring, 136, 200));
        Assert.Null(Copy(ring, 135, 200));
        Assert.Null(Copy(ring, 199, 201));
        Assert.Null(Copy(ring, 201, 200));
    }

    [Fact]
    public void AGapOrARestart_ForgetsEverythingBefore()
    {
        var ring = Filled(1, 10);
        ring.Add(12, [1], T0);
        Assert.Null(Copy(ring, 9, 12));
        Assert.NotNull(Copy(ring, 11, 12));

        ring.Restart();
        Assert.Null(Copy(ring, 11, 12));
        Assert.Empty(Copy(ring, 12, 12)!);
    }

    [Fact]
    public void FramesOlderThanTheMaxAge_LeaveOnPrune_AndACapacityOfZeroKeepsNothing()
    {
        var ring = Filled(1, 5);
        ring.Prune(T0 + TimeSpan.FromMinutes(3));
        Assert.Equal(0, ring.Count);

        var off = new ResumeRing(0, TimeSpan.FromMinutes(2));
        off.Add(1, [1], T0);
        Assert.Equal(0, off.Count);
    }
}
