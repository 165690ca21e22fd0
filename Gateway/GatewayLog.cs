using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Gateway;

/// <summary>The gateway's log events, with stable ids and structured fields.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1, LogLevel.Debug, "Connection {ConnectionId} opened on {Topic}")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, string topic);

    [LoggerMessage(2, LogLevel.Debug, "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);

    [LoggerMessage(3, LogLevel.Information, "Connection {ConnectionId} closed by the server with {Code} {Reason}: {Description}")]
    public static partial void ConnectionClosing(ILogger logger, string connectionId, int code, string reason, string description);

    [LoggerMessage(4, LogLevel.Debug, "Connection {ConnectionId} ended with a transport error")]
    public static partial void ConnectionFaulted(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId}: unexpected fault while handling a client message")]
    public static partial void ConnectionError(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(10, LogLevel.Warning, "Topic {Topic} could not be loaded")]
    public static partial void TopicLoadFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(18, LogLevel.Information, "Topic {Topic}: reading the grain's recent changes for a resume failed; sending a snapshot")]
    public static partial void ResumeFetchFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Topic {Topic}: seq gap (held {HeldSeq}, then {ReceivedSeq}); resyncing from the grain")]
    public static partial void SeqGap(ILogger logger, string topic, long heldSeq, long receivedSeq);

    [LoggerMessage(12, LogLevel.Warning, "Topic {Topic}: resync attempt {Attempt} failed")]
    public static partial void ResyncFailed(ILogger logger, string topic, int attempt, Exception exception);

    [LoggerMessage(13, LogLevel.Warning, "Topic {Topic}: events went missing (held seq {HeldSeq}, the grain is at {GrainSeq}); resyncing")]
    public static partial void RenewalFoundMissedEvents(ILogger logger, string topic, long heldSeq, long grainSeq);

    [LoggerMessage(14, LogLevel.Debug, "Topic {Topic}: ending the watch failed; its lease ends it")]
    public static partial void UnwatchFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(15, LogLevel.Information, "Topic {Topic}: watching the grain again failed; retrying")]
    public static partial void RewatchFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "Renewing the watch of {Topic} failed; the next renewal retries")]
    public static partial void RenewFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(19, LogLevel.Warning, "A silo holding {Topics} of this gateway's topics was declared dead; watching them again")]
    public static partial void SiloLost(ILogger logger, int topics);

    [LoggerMessage(41, LogLevel.Warning, "A silo was declared dead with {Writes} REST writes in flight; their attempts are given up (retried under their Idempotency-Key, else answered 503)")]
    public static partial void WritesAbandoned(ILogger logger, int writes);

    [LoggerMessage(26, LogLevel.Debug, "Reading the cluster membership failed; retried at the next check")]
    public static partial void MembershipReadFailed(ILogger logger, Exception exception);


    [LoggerMessage(20, LogLevel.Warning, "Cluster connection lost; sockets stay open, topics resync when it returns")]
    public static partial void ClusterConnectionLost(ILogger logger);

    [LoggerMessage(21, LogLevel.Information, "Cluster connection restored; watching {TopicCount} topics again")]
    public static partial void ClusterConnectionRestored(ILogger logger, int topicCount);

    [LoggerMessage(22, LogLevel.Warning, "Renewing connection leases failed; the next renewal retries")]
    public static partial void LeaseRenewalFailed(ILogger logger, Exception exception);

    [LoggerMessage(23, LogLevel.Information, "Connection refused: {Reason}")]
    public static partial void ConnectionRefused(ILogger logger, string reason);

    [LoggerMessage(30, LogLevel.Information, "Demo tenant {OrgId} ready")]
    public static partial void DemoTenantReady(ILogger logger, string orgId);

    [LoggerMessage(31, LogLevel.Warning, "Demo tenant not seeded yet (attempt {Attempt})")]
    public static partial void DemoTenantRetry(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(24, LogLevel.Warning, "{Method} {Path} answered 503: the cluster call failed with {ExceptionType}")]
    public static partial void ClusterCallFailed(ILogger logger, string method, string path, string exceptionType);

    [LoggerMessage(25, LogLevel.Information, "Draining: not ready, closing {Connections} sockets with 1012, then waiting {DrainDelay} before shutdown")]
    public static partial void Draining(ILogger logger, int connections, TimeSpan drainDelay);

    [LoggerMessage(40, LogLevel.Warning, "Renewing or ending the socket session of user {UserId} failed; retried at the next scan, and the lease runs out otherwise")]
    public static partial void SessionRenewalFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(42, LogLevel.Warning, "Renewing this gateway's lease (it holds {Sessions} in-band sessions) failed; retried at the next scan")]
    public static partial void GatewayLeaseRenewalFailed(ILogger logger, int sessions, Exception exception);

    [LoggerMessage(43, LogLevel.Warning, "This gateway's lease went {Gap} without a renewal; re-opening the {Sessions} in-band sessions that may have lapsed")]
    public static partial void GatewayLeaseLapsed(ILogger logger, TimeSpan gap, int sessions);
}
