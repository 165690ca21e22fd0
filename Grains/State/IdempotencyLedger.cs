using System.Collections.Immutable;

namespace FreedomCti.Presence.State;

/// <summary>
/// The idempotency keys of a grain's recent writes: each with the fingerprint of its request and the outcome it had.
/// Stored in the same record as the state it guards, so a change and its key are stored together or not at all: a
/// retry after an answer that never came is either answered from here (the write was applied) or applied afresh.
/// </summary>
/// <remarks>
/// Bounded by age and count: a key is remembered for <see cref="Window"/>, and a grain keeps at most
/// <see cref="Capacity"/> keys (beyond that the oldest go early). Outcomes are the grain's own codes (CallOutcome,
/// SessionOutcome); the fingerprint already names the operation, so they are never read across operations.
/// </remarks>
public sealed record IdempotencyLedger
{
    /// <summary>How long a key is remembered after its write (docs/protocol.md promises this figure).</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(1);

    /// <summary>Keys kept per grain at most; a write every 30 s for an hour still fits.</summary>
    public const int Capacity = 128;

    public static readonly IdempotencyLedger Empty = new([]);

    public IdempotencyLedger(ImmutableArray<LedgerEntry> entries) => Entries = entries.IsDefault ? [] : entries;

    /// <summary>Oldest first.</summary>
    public ImmutableArray<LedgerEntry> Entries { get; }

    /// <summary>Whether <paramref name="key"/> was recorded within the window, and with which outcome.</summary>
    public LedgerMatch Match(WriteKey? key, DateTimeOffset now)
    {
        if (key is null) return LedgerMatch.Fresh;
        foreach (var entry in Entries)
        {
            if (entry.Key != key.Key || now - entry.At > Window) continue;
            return entry.Fingerprint == key.Fingerprint
                ? new LedgerMatch(KeyVerdict.Replayed, entry.Outcome)
                : new LedgerMatch(KeyVerdict.Reused, entry.Outcome);
        }
        return LedgerMatch.Fresh;
    }

    /// <summary>Records a write's outcome under its key, dropping keys past the window and, over capacity, the oldest.</summary>
    /// <returns>This instance when there is no key.</returns>
    public IdempotencyLedger With(WriteKey? key, int outcome, DateTimeOffset now)
    {
        if (key is null) return this;
        var kept = Entries.Where(e => now - e.At <= Window && e.Key != key.Key).ToList();
        kept.Add(new LedgerEntry(key.Key, key.Fingerprint, outcome, now));
        return new IdempotencyLedger([.. kept.Skip(Math.Max(0, kept.Count - Capacity))]);
    }
}

/// <summary>One remembered key.</summary>
/// <param name="At">When the write was decided; the key is forgotten <see cref="IdempotencyLedger.Window"/> later.</param>
[GenerateSerializer, Immutable, Alias("fcti.LedgerEntry")]
public sealed record LedgerEntry(string Key, string Fingerprint, int Outcome, DateTimeOffset At);

/// <summary>What the ledger knows of a key: nothing (Fresh), the same request (Replayed) or another one (Reused).</summary>
public readonly record struct LedgerMatch(KeyVerdict Verdict, int Outcome)
{
    public static readonly LedgerMatch Fresh = new(KeyVerdict.Fresh, 0);
}
