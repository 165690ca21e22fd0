using FreedomCti.Presence.Gateway.Topics;

namespace FreedomCti.Presence.Tests;

/// <summary>A topic's repair decisions without a cluster: what a watch's receipt means, and how a failing resync backs off.</summary>
public sealed class RepairRulesTests
{
    private static bool OneRun(long seq, long other) => true;

    private static bool Epochs(long seq, long other) => seq >> 32 == other >> 32;

    [Theory]
    [InlineData(7, 7)]
    [InlineData(6, 7)] // the answer is older than a change already applied here
    public void AGrainNotAhead_IsInStep(long grainSeq, long heldSeq)
    {
        Assert.Equal(AuditVerdict.InStep, RepairRules.Audit(exists: true, grainSeq, heldSeq, OneRun));
    }

    [Fact]
    public void AGrainAheadInTheSameRun_IsGivenTheReorderWindow()
    {
        Assert.Equal(AuditVerdict.CheckAfterReorderWindow, RepairRules.Audit(exists: true, 9, 7, OneRun));
        Assert.Equal(AuditVerdict.CheckAfterReorderWindow, RepairRules.Audit(exists: true, (2L << 32) + 9, (2L << 32) + 7, Epochs));
    }

    [Fact]
    public void AGrainInALaterRun_ResyncsAtOnce()
    {
        Assert.Equal(AuditVerdict.ResyncNow, RepairRules.Audit(exists: true, (3L << 32) + 1, (2L << 32) + 40, Epochs));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(9)]
    public void AGoneTarget_ResyncsAtOnce_WhateverItsSeq(long grainSeq)
    {
        Assert.Equal(AuditVerdict.ResyncNow, RepairRules.Audit(exists: false, grainSeq, 7, OneRun));
    }

    [Fact]
    public void AFailingResync_BacksOffLinearly_ThenWaitsForTheNextRenewal()
    {
        var delays = Enumerable.Range(1, RepairRules.ResyncAttempts).Select(RepairRules.RetryDelay).ToArray();

        Assert.Equal([200.0, 400, 600, 800], delays[..^1].Select(d => d!.Value.TotalMilliseconds));
        Assert.Null(delays[^1]);
        Assert.Equal(5, RepairRules.ResyncAttempts); // docs/architecture.md: "retrying up to 5 times with backoff"
    }
}
