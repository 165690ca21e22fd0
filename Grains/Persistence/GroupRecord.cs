namespace FreedomCti.Presence.Persistence;

/// <summary>A group as earlier versions stored it: everything in one row of <see cref="PresenceStorage.Name"/>, read only to move it to rows.</summary>
/// <remarks>Newtonsoft stores the .NET type names with the data: keep the names and namespace of these types.</remarks>
[GenerateSerializer, Alias("fcti.GroupRecord")]
public sealed class GroupRecord
{
    [Id(0)] public bool Exists { get; set; }
    [Id(1)] public string GroupName { get; set; } = "";
    [Id(2)] public List<GroupMember> Members { get; set; } = [];
    [Id(3)] public List<WaitingCallRecord> Waiting { get; set; } = [];
    [Id(4)] public List<DepartureRecord> Departures { get; set; } = [];

    /// <summary>Incremented once per activation; the high half of every seq (see GroupSeq).</summary>
    [Id(5)] public long Epoch { get; set; }

    /// <summary>Seq of the last stored change; a tombstone keeps it so a re-created group continues above it.</summary>
    [Id(6)] public long Seq { get; set; }

    [Id(7)] public DateTimeOffset ChangedAt { get; set; }
}

/// <summary>A call waiting in a group's queue, as stored.</summary>
[GenerateSerializer, Alias("fcti.WaitingCallRecord")]
public sealed record WaitingCallRecord([property: Id(0)] string CallId, [property: Id(1)] DateTimeOffset EnqueuedAt);

/// <summary>A recent queue departure, as stored.</summary>
[GenerateSerializer, Alias("fcti.DepartureRecord")]
public sealed record DepartureRecord([property: Id(0)] DateTimeOffset LeftAt, [property: Id(1)] double WaitSeconds);
