using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence;

/// <summary>Source-generated log messages of the presence grains.</summary>
internal static partial class GrainsLog
{
    [LoggerMessage(1001, LogLevel.Warning, "Group {OrgId}/{GroupId} could not read member {UserId} on activation; keeping its stored view")]
    public static partial void MemberReadFailed(this ILogger logger, Exception exception, string orgId, string groupId, string userId);

    [LoggerMessage(1002, LogLevel.Information, "Group {OrgId}/{GroupId} activated at epoch {Epoch}: {Members} members, refreshed={Refreshed}, {Unread} left to read in the background")]
    public static partial void GroupActivated(this ILogger logger, string orgId, string groupId, long epoch, int members, bool refreshed, int unread);

    [LoggerMessage(1004, LogLevel.Warning, "Directory {OrgId}: user {UserId} vanished while joining group {GroupId}; removed it from the group")]
    public static partial void MemberVanished(this ILogger logger, string orgId, string userId, string groupId);

    [LoggerMessage(1005, LogLevel.Error, "Group {OrgId}/{GroupId}: member chunks {Chunks} of generation {Generation} are missing or of another generation; their members are missing until the group is defined again")]
    public static partial void MemberChunksDamaged(this ILogger logger, string orgId, string groupId, long generation, string chunks);

    [LoggerMessage(1006, LogLevel.Information, "Group {OrgId}/{GroupId} moved from its single storage row to rows: {Members} members in {Chunks} chunks")]
    public static partial void GroupMovedToRows(this ILogger logger, string orgId, string groupId, int members, int chunks);

    [LoggerMessage(1007, LogLevel.Warning, "{Grain} {Key}: {Rows} rows no longer in use could not be deleted; they are never read")]
    public static partial void OldRowsNotDeleted(this ILogger logger, Exception exception, string grain, string key, int rows);

    [LoggerMessage(1008, LogLevel.Information, "Organisation {OrgId} moved from its single storage row to rows: {Groups} catalogue entries in {Chunks} chunks")]
    public static partial void OrganisationMovedToRows(this ILogger logger, string orgId, int groups, int chunks);

    [LoggerMessage(1009, LogLevel.Error, "Organisation {OrgId}: catalogue chunks {Chunks} of generation {Generation} are missing or of another generation; their groups are missing from the list until they are defined again")]
    public static partial void CatalogueChunksDamaged(this ILogger logger, string orgId, long generation, string chunks);

    [LoggerMessage(1010, LogLevel.Warning, "Import {OrgId}/{JobId}: step {Step} failed (attempt {Attempt}); retrying")]
    public static partial void ImportStepFailed(this ILogger logger, Exception exception, string orgId, string jobId, string step, int attempt);

    [LoggerMessage(1011, LogLevel.Information, "Import {OrgId}/{JobId} {State}: {Users} users, {Groups} groups, {Memberships} memberships in {ElapsedMs} ms")]
    public static partial void ImportFinished(this ILogger logger, string orgId, string jobId, string state, int users, int groups, int memberships, long elapsedMs);

    [LoggerMessage(1012, LogLevel.Information, "Import {OrgId}/{JobId} resumed at {Step} after its activation ended")]
    public static partial void ImportResumed(this ILogger logger, string orgId, string jobId, string step);

    [LoggerMessage(1013, LogLevel.Warning, "User {OrgId}/{UserId}: view seq {Seq} was not acknowledged by groups {GroupIds}; pushing it again later")]
    public static partial void GroupPushFailed(this ILogger logger, Exception exception, string orgId, string userId, long seq, string groupIds);

    [LoggerMessage(1014, LogLevel.Information, "User {OrgId}/{UserId}: groups {GroupIds} now hold view seq {Seq} after a repair push")]
    public static partial void GroupPushRepaired(this ILogger logger, string orgId, string userId, long seq, string groupIds);

    [LoggerMessage(1015, LogLevel.Warning, "User {OrgId}/{UserId}: session timers could not be armed after a stored change; the next change retries")]
    public static partial void SessionTimersFailed(this ILogger logger, Exception exception, string orgId, string userId);

    [LoggerMessage(1016, LogLevel.Information, "Group {OrgId}/{GroupId}: member {UserId} moved from seq {HeldSeq} to {UserSeq}; the views between never arrived")]
    public static partial void MemberSeqSkipped(this ILogger logger, string orgId, string groupId, string userId, long heldSeq, long userSeq);

    [LoggerMessage(1017, LogLevel.Warning, "Gateway lease {GatewayId} did not answer a holder check; its sessions are taken as alive until the next check")]
    public static partial void HolderCheckFailed(this ILogger logger, Exception exception, string gatewayId);
}
