namespace FreedomCti.Presence.State;

/// <summary>Group topic sequence numbers that never go backwards although member changes are not persisted.</summary>
/// <remarks>
/// seq = (epoch &lt;&lt; 32) + counter. The epoch is persisted and incremented once per activation, the counter starts
/// at 0 and grows in memory, so a reactivated group always starts above anything the previous activation published.
/// Gateways read the jump as a gap and resync from a snapshot. 2^32 events per activation is out of reach.
/// </remarks>
public static class GroupSeq
{
    public const int CounterBits = 32;

    /// <summary>The first seq of an activation with this epoch.</summary>
    public static long Start(long epoch)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(epoch, int.MaxValue);
        return epoch << CounterBits;
    }

    public static long EpochOf(long seq) => seq >> CounterBits;
}
