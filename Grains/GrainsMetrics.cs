using System.Diagnostics.Metrics;

namespace FreedomCti.Presence;

/// <summary>Counters of the presence grains (meter <see cref="MeterName"/>): how often a user's view missed a group, and its
/// repair; and what presence sessions cost while they are merely held (renewals, sweeps, deadline timers).</summary>
public static class GrainsMetrics
{
    public const string MeterName = "FreedomCti.Presence.Grains";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> GroupPushesFailed = Meter.CreateCounter<long>("presence.grains.group_pushes_failed",
        description: "Pushes of a user's view to a group that failed or were not acknowledged in time (the group is pushed again).");

    public static readonly Counter<long> GroupPushesRepaired = Meter.CreateCounter<long>("presence.grains.group_pushes_repaired",
        description: "Groups that acknowledged a user's view on a repair push after an earlier push failed.");

    public static readonly Counter<long> MemberSeqsSkipped = Meter.CreateCounter<long>("presence.grains.member_seqs_skipped",
        description: "Member views a group received that skipped seqs of that user (pushes lost, or a join raced a change); the newer view replaced the missing ones.");

    // What holding sessions costs (docs/performance.md, "Cost of presence sessions at scale"; the bench's sessions scenario reads these).
    public static readonly Counter<long> SessionRenewals = Meter.CreateCounter<long>("presence.grains.session_renewals",
        description: "Session heartbeats that only renewed the lease (no status, no activity): REST heartbeats (in-band sessions are kept by their gateway's lease instead).");

    public static readonly Counter<long> SessionHolderChecks = Meter.CreateCounter<long>("presence.grains.session_holder_checks",
        description: "Checks of an in-band session's gateway lease before the session's lease ends, tagged answered_by: cache (this silo knew the gateway renewed recently enough) or lease_grain (a call to the gateway's lease grain).");

    public static readonly Counter<long> SessionSweeps = Meter.CreateCounter<long>("presence.grains.session_sweeps",
        description: "Ticks of the session reminder (one per user with sessions per Cluster:SessionSweepPeriod).");

    public static readonly Counter<long> SessionDeadlines = Meter.CreateCounter<long>("presence.grains.session_deadlines",
        description: "Session deadline timers that fired (lease end, an in-band session's holder check, grace end, idle threshold, debounce).");
}
