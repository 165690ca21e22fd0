using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence;

/// <summary>Source-generated log messages of the presence grains.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Group {OrgId}/{GroupId} could not read member {UserId} on activation; keeping its stored view")]
    public static partial void MemberReadFailed(this ILogger logger, Exception exception, string orgId, string groupId, string userId);

    [LoggerMessage(1002, LogLevel.Information, "Group {OrgId}/{GroupId} activated at epoch {Epoch}: {Members} members, refreshed={Refreshed}")]
    public static partial void GroupActivated(this ILogger logger, string orgId, string groupId, long epoch, int members, bool refreshed);

    [LoggerMessage(1004, LogLevel.Warning, "Directory {OrgId}: user {UserId} vanished while joining group {GroupId}; removed it from the group")]
    public static partial void MemberVanished(this ILogger logger, string orgId, string userId, string groupId);

    [LoggerMessage(1005, LogLevel.Warning, "User {OrgId}/{UserId}: view seq {Seq} was not acknowledged by groups {GroupIds}; pushing it again later")]
    public static partial void GroupPushFailed(this ILogger logger, Exception exception, string orgId, string userId, long seq, string groupIds);

    [LoggerMessage(1006, LogLevel.Information, "User {OrgId}/{UserId}: groups {GroupIds} now hold view seq {Seq} after a repair push")]
    public static partial void GroupPushRepaired(this ILogger logger, string orgId, string userId, long seq, string groupIds);

    [LoggerMessage(1007, LogLevel.Warning, "User {OrgId}/{UserId}: session timers could not be armed after a stored change; the next change retries")]
    public static partial void SessionTimersFailed(this ILogger logger, Exception exception, string orgId, string userId);

    [LoggerMessage(1008, LogLevel.Information, "Group {OrgId}/{GroupId}: member {UserId} moved from seq {HeldSeq} to {UserSeq}; the views between never arrived")]
    public static partial void MemberSeqSkipped(this ILogger logger, string orgId, string groupId, string userId, long heldSeq, long userSeq);
}
