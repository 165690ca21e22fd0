namespace FreedomCti.Presence.Hosting;

/// <summary>What <see cref="PresenceSiloExtensions.AddPresenceGrid"/> registers; the defaults are the embedded, in-memory mode.</summary>
/// <remarks>
/// Cluster mode swaps the in-memory providers for durable ones: turn a Use… flag off and register the replacement under
/// the same names (<see cref="PresenceStorage.Name"/>, <see cref="PresenceStorage.Rows"/>).
/// </remarks>
public sealed class PresenceGridOptions
{
    /// <summary>Registers in-memory grain storage for presence state. State is lost when the silo stops.</summary>
    public bool UseMemoryStorage { get; set; } = true;

    /// <summary>Registers the in-memory reminder service (embedded mode); cluster mode registers Azure Table reminders instead.</summary>
    public bool UseMemoryReminders { get; set; } = true;

    /// <summary>
    /// Period of the durable reminder a user grain holds while it has presence sessions. Leases and grace are timed
    /// precisely by in-memory timers; the reminder only brings the grain back after its silo died, so a lease still
    /// expires (at most one period late) when nothing else calls the user.
    /// </summary>
    public TimeSpan SessionSweepPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Idle time before a grain is deactivated (groups have their own, longer limit).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(30);
}
