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
}
