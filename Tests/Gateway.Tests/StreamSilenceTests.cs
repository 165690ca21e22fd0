using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Tests;

/// <summary>The topic audit's verdict: only a seq overdue by a whole audit interval means a silent stream.</summary>
public sealed class StreamSilenceTests
{
    [Fact]
    public void AnEventInFlightAtOneAudit_IsNotSilence_WhenItArrivesBeforeTheNext()
    {
        var silence = new StreamSilence();
        Assert.False(silence.IsSilent(grainSeq: 5, heldSeq: 5));

        // The grain changed just before this audit; the event is still on its way.
        Assert.False(silence.IsSilent(grainSeq: 6, heldSeq: 5));
        // It arrived, and another change is in flight now.
        Assert.False(silence.IsSilent(grainSeq: 7, heldSeq: 6));
        Assert.False(silence.IsSilent(grainSeq: 7, heldSeq: 7));
    }

    [Fact]
    public void ASeqTheGrainHadAtTheLastAudit_StillMissing_IsSilence()
    {
        var silence = new StreamSilence();
        Assert.False(silence.IsSilent(grainSeq: 6, heldSeq: 5));

        Assert.True(silence.IsSilent(grainSeq: 6, heldSeq: 5));
        // Even when the grain moved on meanwhile: seq 6 is a whole interval overdue.
        var again = new StreamSilence();
        again.IsSilent(grainSeq: 6, heldSeq: 5);
        Assert.True(again.IsSilent(grainSeq: 9, heldSeq: 5));
    }

    [Fact]
    public void ATopicThatCaughtUp_AfterAResync_IsNotSilentAgain()
    {
        var silence = new StreamSilence();
        silence.IsSilent(grainSeq: 6, heldSeq: 5);
        Assert.True(silence.IsSilent(grainSeq: 6, heldSeq: 5));

        // The resync installed the grain's snapshot (seq 6).
        Assert.False(silence.IsSilent(grainSeq: 6, heldSeq: 6));
        Assert.False(silence.IsSilent(grainSeq: 6, heldSeq: 6));
    }

    [Fact]
    public void AGrainThatNoLongerHasTheTarget_IsSilenceAtOnce()
    {
        Assert.True(new StreamSilence().IsSilent(grainSeq: null, heldSeq: 5));
    }
}
