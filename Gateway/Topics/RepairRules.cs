namespace FreedomCti.Presence.Gateway.Topics;

/// <summary>What a watch's receipt means for the events a topic holds.</summary>
internal enum AuditVerdict
{
    /// <summary>The topic holds everything the grain sent (or more: the grain's answer may be older than a change already here).</summary>
    InStep,
    /// <summary>The grain is ahead within one run: what is missing may still be on its way, so check again after the reorder window.</summary>
    CheckAfterReorderWindow,
    /// <summary>The target is gone, or its seq belongs to a later run that no held event can fill: resync at once.</summary>
    ResyncNow,
}

/// <summary>The decisions of a topic's repair, apart from any timer, lock or I/O: the renewal audit and the resync's backoff.</summary>
internal static class RepairRules
{
    /// <summary>Attempts at a resync's snapshot before it waits for the next renewal.</summary>
    public const int ResyncAttempts = 5;

    /// <summary>Judges a watch's receipt (whether the target exists, and its seq) against the seq the topic holds.</summary>
    public static AuditVerdict Audit(bool exists, long grainSeq, long heldSeq, Func<long, long, bool> sameRun)
    {
        if (exists && grainSeq <= heldSeq) return AuditVerdict.InStep;
        return exists && sameRun(heldSeq, grainSeq) ? AuditVerdict.CheckAfterReorderWindow : AuditVerdict.ResyncNow;
    }

    /// <summary>How long to wait after a failed resync attempt (numbered from 1); null once the attempts are spent.</summary>
    /// <remarks>Linear: the cluster is usually recovering (a silo died), and the next renewal retries anyway.</remarks>
    public static TimeSpan? RetryDelay(int failedAttempt) =>
        failedAttempt < ResyncAttempts ? TimeSpan.FromMilliseconds(200 * failedAttempt) : null;
}
