using System.Text.Json.Serialization;

namespace FreedomCti.Presence.Persistence;

// A group as stored in PresenceStorage.Rows (see GroupStore): a small header, the queue, and the members in chunks.
// Short JSON names: a member is stored once per chunk write, so every byte counts ~20,000 times in a large group.

/// <summary>The row "header": whether the group exists, its name and epoch, and which member chunks hold its members.</summary>
public sealed class GroupHeaderRecord
{
    [JsonPropertyName("exists")] public bool Exists { get; set; }
    [JsonPropertyName("name")] public string Name { get; set; } = "";

    /// <summary>Incremented once per activation; the high half of every seq (see GroupSeq). A tombstone keeps it.</summary>
    [JsonPropertyName("epoch")] public long Epoch { get; set; }

    /// <summary>When the name or the whole definition last changed; member chunks carry their own time.</summary>
    [JsonPropertyName("at")] public DateTimeOffset ChangedAt { get; set; }

    /// <summary>The member chunks that are the group's members; null (none) for an empty or deleted group.</summary>
    [JsonPropertyName("members")] public ChunkLayout? Members { get; set; }

    /// <summary>A layout being written and not committed yet: its rows are deleted on the next activation if it is still here.</summary>
    [JsonPropertyName("pending")] public ChunkLayout? Pending { get; set; }

    public GroupHeaderRecord Copy() => (GroupHeaderRecord)MemberwiseClone();
}

/// <summary>The row "queue": the calls waiting, the recent departures and the outcome counts. Rewritten, alone, by every queue change.</summary>
/// <remarks>Rows of earlier versions have no outcomes, terms or threshold: they read as none counted yet and the defaults.</remarks>
public sealed class GroupQueueRecord
{
    [JsonPropertyName("w")] public List<WaitingCallRow> Waiting { get; set; } = [];
    [JsonPropertyName("d")] public List<DepartureRow> Departures { get; set; } = [];

    /// <summary>Per-minute outcome buckets (at most the longest window's worth).</summary>
    [JsonPropertyName("om")] public List<OutcomeMinuteRow>? OutcomeMinutes { get; set; }

    /// <summary>The organisation's local date <see cref="Today"/> counts.</summary>
    [JsonPropertyName("od")] public DateOnly? Day { get; set; }
    [JsonPropertyName("ot")] public OutcomeCountsRow? Today { get; set; }

    [JsonPropertyName("tz")] public string? TimeZone { get; set; }
    [JsonPropertyName("win")] public int? WindowMinutes { get; set; }

    /// <summary>The group's service-level threshold in seconds.</summary>
    [JsonPropertyName("sl")] public int? ServiceLevelThresholdSeconds { get; set; }
}

/// <summary>Outcome counts: answered, of those within the threshold, abandoned.</summary>
public class OutcomeCountsRow
{
    [JsonPropertyName("a")] public int Answered { get; set; }
    [JsonPropertyName("aw")] public int AnsweredWithinThreshold { get; set; }
    [JsonPropertyName("x")] public int Abandoned { get; set; }
}

/// <summary>One minute's outcome bucket, keyed by minutes since the Unix epoch.</summary>
public sealed class OutcomeMinuteRow : OutcomeCountsRow
{
    [JsonPropertyName("m")] public long Minute { get; set; }
}

public sealed class WaitingCallRow
{
    [JsonPropertyName("c")] public string CallId { get; set; } = "";
    [JsonPropertyName("at")] public DateTimeOffset EnqueuedAt { get; set; }
    [JsonPropertyName("exp")] public DateTimeOffset ExpiresAt { get; set; }
}

public sealed class DepartureRow
{
    [JsonPropertyName("c")] public string CallId { get; set; } = "";
    [JsonPropertyName("r")] public QueueExit Reason { get; set; }
    [JsonPropertyName("at")] public DateTimeOffset LeftAt { get; set; }
    [JsonPropertyName("w")] public double WaitSeconds { get; set; }
    [JsonPropertyName("b")] public string? AnsweredBy { get; set; }
}

/// <summary>A member in a member chunk: the view the group held when the chunk was written, used if the user cannot be read on activation.</summary>
public sealed class StoredMember
{
    [JsonPropertyName("u")] public string UserId { get; set; } = "";
    [JsonPropertyName("n")] public string DisplayName { get; set; } = "";
    [JsonPropertyName("x")] public string? Extension { get; set; }
    [JsonPropertyName("s")] public PresenceStatus Status { get; set; }
    [JsonPropertyName("c")] public DateTimeOffset? CallStartedAt { get; set; }
    [JsonPropertyName("q")] public long UserSeq { get; set; }
    [JsonPropertyName("t")] public bool Stale { get; set; }
    // Only the status time: a fallback view without it would drop the member from longestIdle. The message and the
    // session flag come back with the fresh view the activation reads.
    [JsonPropertyName("ss")] public DateTimeOffset? StatusSince { get; set; }

    public static StoredMember From(GroupMember m) => new()
    {
        UserId = m.UserId, DisplayName = m.DisplayName, Extension = m.Extension, Status = m.Status,
        CallStartedAt = m.CallStartedAt, UserSeq = m.UserSeq, Stale = m.Stale, StatusSince = m.StatusSince,
    };

    public GroupMember ToMember() => new(UserId, DisplayName, Extension, Status, CallStartedAt, UserSeq, Stale, StatusSince);
}
