using System.Diagnostics.Metrics;

namespace FreedomCti.Presence;

/// <summary>Counters of the presence grains (meter <see cref="MeterName"/>): how often a user's view missed a group, and its repair.</summary>
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
}
