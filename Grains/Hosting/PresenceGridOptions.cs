namespace FreedomCti.Presence.Hosting;

/// <summary>What <see cref="PresenceSiloExtensions.AddPresenceGrid"/> registers; the defaults are the embedded, in-memory mode.</summary>
/// <remarks>
/// Cluster mode swaps the in-memory providers for durable ones: turn a Use… flag off and register the replacement under
/// the same name (<see cref="PresenceStorage.Name"/>, <see cref="PresenceStorage.PubSub"/>, <see cref="PresenceStreams.ProviderName"/>).
/// </remarks>
public sealed class PresenceGridOptions
{
    /// <summary>Registers in-memory grain storage for presence state and stream pub-sub. State is lost when the silo stops.</summary>
    public bool UseMemoryStorage { get; set; } = true;

    /// <summary>Registers the in-memory stream provider that carries user and group events.</summary>
    public bool UseMemoryStreams { get; set; } = true;

    /// <summary>
    /// How often stream pulling agents poll their queues. Every event waits up to this long before delivery,
    /// so Orleans' 100 ms default is too slow for presence; an idle poll of an in-memory queue is cheap.
    /// </summary>
    public TimeSpan StreamPollPeriod { get; set; } = TimeSpan.FromMilliseconds(15);

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
