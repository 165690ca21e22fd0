using FreedomCti.Presence.State;

namespace FreedomCti.Presence.Tests.State;

public class IdempotencyLedgerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly WriteKey K1 = new("k-1", "fp-presence-busy");

    [Fact]
    public void Match_NoKeyOrUnknownKey_IsFresh()
    {
        var ledger = IdempotencyLedger.Empty.With(K1, 0, T0);

        Assert.Equal(KeyVerdict.Fresh, ledger.Match(null, T0).Verdict);
        Assert.Equal(KeyVerdict.Fresh, ledger.Match(new WriteKey("k-2", K1.Fingerprint), T0).Verdict);
    }

    [Fact]
    public void Match_SameKeySameRequest_ReplaysTheRecordedOutcome()
    {
        var ledger = IdempotencyLedger.Empty.With(K1, (int)CallOutcome.Conflict, T0);

        Assert.Equal(new LedgerMatch(KeyVerdict.Replayed, (int)CallOutcome.Conflict), ledger.Match(K1, T0.AddMinutes(5)));
    }

    [Fact]
    public void Match_SameKeyOtherRequest_IsReused()
    {
        var ledger = IdempotencyLedger.Empty.With(K1, 0, T0);

        Assert.Equal(KeyVerdict.Reused, ledger.Match(K1 with { Fingerprint = "fp-presence-away" }, T0).Verdict);
    }

    [Fact]
    public void Match_KeyOlderThanTheWindow_IsForgotten_AndTheNextWriteDropsIt()
    {
        var ledger = IdempotencyLedger.Empty.With(K1, 0, T0);
        var later = T0 + IdempotencyLedger.Window + TimeSpan.FromSeconds(1);

        Assert.Equal(KeyVerdict.Replayed, ledger.Match(K1, T0 + IdempotencyLedger.Window).Verdict);
        Assert.Equal(KeyVerdict.Fresh, ledger.Match(K1, later).Verdict);
        Assert.Equal(["k-2"], ledger.With(new WriteKey("k-2", "x"), 0, later).Entries.Select(e => e.Key));
    }

    [Fact]
    public void With_OverCapacity_DropsTheOldestKeysOnly()
    {
        var ledger = IdempotencyLedger.Empty;
        for (var i = 0; i < IdempotencyLedger.Capacity + 5; i++)
        {
            ledger = ledger.With(new WriteKey($"k{i}", "fp"), 0, T0.AddSeconds(i));
        }

        Assert.Equal(IdempotencyLedger.Capacity, ledger.Entries.Length);
        Assert.Equal("k5", ledger.Entries[0].Key);
        Assert.Equal(KeyVerdict.Fresh, ledger.Match(new WriteKey("k4", "fp"), T0.AddMinutes(5)).Verdict);
        Assert.Equal(KeyVerdict.Replayed, ledger.Match(new WriteKey("k5", "fp"), T0.AddMinutes(5)).Verdict);
    }

    [Fact]
    public void With_NoKey_IsTheSameInstance_SoNothingExtraIsStored()
    {
        var ledger = IdempotencyLedger.Empty.With(K1, 0, T0);

        Assert.Same(ledger, ledger.With(null, 0, T0));
    }
}
