using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Tests;

/// <summary>A topic's seq rules without a cluster: apply in order, drop duplicates, wait for reordered events, resync on what cannot fill.</summary>
public sealed class TopicSequencerTests
{
    private sealed record Evt(long Seq);

    private static TopicSequencer<Evt> Live(long seq, int maxHeld = 100, bool epochs = false)
    {
        var sequencer = new TopicSequencer<Evt>(e => e.Seq, epochs ? (a, b) => a >> 32 == b >> 32 : null, maxHeld);
        Assert.Empty(sequencer.Install(seq, out var resync));
        Assert.False(resync);
        return sequencer;
    }

    private static long[] Seqs(IEnumerable<Evt> events) => [.. events.Select(e => e.Seq)];

    [Fact]
    public void TheNextSeq_IsApplied_AndOlderOnesAreDuplicates()
    {
        var sequencer = Live(5);

        Assert.Equal(SeqDecision.Apply, sequencer.Offer(new Evt(6)));
        Assert.Equal(6, sequencer.Seq);
        Assert.Equal(SeqDecision.Duplicate, sequencer.Offer(new Evt(6)));
        Assert.Equal(SeqDecision.Duplicate, sequencer.Offer(new Evt(2)));
        Assert.Null(sequencer.MissingSeq);
    }

    [Fact]
    public void AnEventAheadOfTheNext_IsHeldUntilTheMissingOneArrives_ThenBothApplyInOrder()
    {
        var sequencer = Live(5);

        Assert.Equal(SeqDecision.Reordered, sequencer.Offer(new Evt(8)));
        Assert.Equal(SeqDecision.Reordered, sequencer.Offer(new Evt(7)));
        Assert.Equal(6, sequencer.MissingSeq);
        Assert.Equal(5, sequencer.Seq);

        Assert.Equal(SeqDecision.Apply, sequencer.Offer(new Evt(6)));
        Assert.Equal([7L, 8], Seqs(sequencer.TakeReady()));
        Assert.Equal(8, sequencer.Seq);
        Assert.Null(sequencer.MissingSeq);
    }

    [Fact]
    public void AFilledGap_StopsAtTheNextHole()
    {
        var sequencer = Live(1);
        sequencer.Offer(new Evt(3));
        sequencer.Offer(new Evt(5));

        Assert.Equal(SeqDecision.Apply, sequencer.Offer(new Evt(2)));
        Assert.Equal([3L], Seqs(sequencer.TakeReady()));
        Assert.Equal(4, sequencer.MissingSeq);
    }

    [Fact]
    public void ASeqOfAnotherRun_CannotFill_AndResyncsAtOnce()
    {
        var epoch1 = (1L << 32) + 7;
        var sequencer = Live(epoch1, epochs: true);

        Assert.Equal(SeqDecision.Resync, sequencer.Offer(new Evt((2L << 32) + 1)));
        Assert.False(sequencer.IsLive);
        Assert.False(sequencer.BeginResync()); // already stopped applying
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt((2L << 32) + 2)));
    }

    [Fact]
    public void HoldingMoreThanTheBound_Resyncs()
    {
        var sequencer = Live(0, maxHeld: 3);

        Assert.Equal(SeqDecision.Reordered, sequencer.Offer(new Evt(2)));
        Assert.Equal(SeqDecision.Reordered, sequencer.Offer(new Evt(3)));
        Assert.Equal(SeqDecision.Resync, sequencer.Offer(new Evt(4)));
        Assert.False(sequencer.IsLive);
    }

    [Fact]
    public void BeforeTheFirstSnapshot_EventsAreHeld_AndThoseAfterTheSnapshotFollowIt()
    {
        var sequencer = new TopicSequencer<Evt>(e => e.Seq);
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(12)));
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(10)));
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(11)));
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(14)));
        Assert.False(sequencer.IsLoaded);

        var follow = sequencer.Install(10, out var resync);

        Assert.False(resync);
        Assert.True(sequencer.IsLive && sequencer.IsLoaded);
        Assert.Equal([11L, 12], Seqs(follow)); // 10 is in the snapshot
        Assert.Equal(12, sequencer.Seq);
        Assert.Equal(13, sequencer.MissingSeq); // 14 waits for 13, which may still be on its way
    }

    [Fact]
    public void ASnapshotOvertakenByALaterRun_IsOutOfDateAtOnce()
    {
        var sequencer = new TopicSequencer<Evt>(e => e.Seq, (a, b) => a >> 32 == b >> 32);
        sequencer.Offer(new Evt((3L << 32) + 1));

        sequencer.Install((2L << 32) + 40, out var resync);

        Assert.True(resync);
        Assert.False(sequencer.IsLive);
    }

    [Fact]
    public void Resync_StopsApplying_UntilTheNextSnapshot()
    {
        var sequencer = Live(3);

        Assert.True(sequencer.BeginResync());
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(4)));
        Assert.Equal(SeqDecision.Held, sequencer.Offer(new Evt(6)));

        Assert.Equal([6L], Seqs(sequencer.Install(5, out _)));
        Assert.Equal(6, sequencer.Seq);
    }

    [Fact]
    public void Unload_ForgetsEverything()
    {
        var sequencer = Live(3);
        sequencer.Offer(new Evt(5));

        sequencer.Unload();

        Assert.False(sequencer.IsLoaded);
        Assert.Equal(0, sequencer.HeldCount);
        Assert.Null(sequencer.MissingSeq);
    }

    [Fact]
    public void AnEventHeldBeforeTheSnapshotWasAsked_BeyondIt_CannotBeReal_AndIsDropped()
    {
        var sequencer = Live(3);
        sequencer.Offer(new Evt(9)); // waits for 4..8, which the grain never had
        Assert.True(sequencer.BeginResync());
        sequencer.SnapshotRequested();
        sequencer.Offer(new Evt(5)); // arrived after the snapshot was asked for: the grain may have made it since

        Assert.Empty(sequencer.Install(3, out var resync));

        Assert.False(resync);
        Assert.Equal(1, sequencer.HeldCount); // 9 is gone; 5 waits for 4
        Assert.Equal(4, sequencer.MissingSeq);
    }
}
