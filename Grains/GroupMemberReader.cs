using FreedomCti.Presence.State;
using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.Grains;

/// <summary>Reads a group's members' current views from their user grains, for the group's activation and its background refresh.</summary>
internal sealed class GroupMemberReader(IGrainFactory grains, TimeProvider time, ILogger logger, string orgId, string groupId)
{
    /// <summary>Reads in flight: bounds the burst of user activations (each a storage read) a large group causes.</summary>
    private const int ReadsInFlight = 64;

    /// <summary>
    /// Bound on reading one member in the background refresh. A member whose silo is shutting down may be deactivating
    /// while it awaits the group's UpdateMember (which waits for the group's activation): its snapshot call would be held
    /// until the 30 s response timeout and stall both grains, and the silo's graceful shutdown with them. The held view
    /// is kept instead; the member's pending UpdateMember lands right after.
    /// </summary>
    private static readonly TimeSpan MemberReadTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Bound on reading one member while the group activates. Every subscriber of the group waits for the activation, so
    /// a member that does not answer at once (its silo just died and is not yet declared dead, or it is busy) is not
    /// waited for: the group starts with the member's stored view and the background refresh reads it again.
    /// </summary>
    private static readonly TimeSpan ActivationReadTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The members' current views, a bounded number at a time; null marks a user that no longer exists. A read that timed
    /// out is tried once more at the end (by then the user is usually active), then the held view is kept.
    /// </summary>
    public async Task<List<KeyValuePair<string, GroupMember?>>> ReadAsync(List<GroupMember> held, CancellationToken cancellationToken)
    {
        var views = await Bounded.SelectAsync(held, ReadsInFlight, m => ReadOneAsync(m, MemberReadTimeout, cancellationToken));
        var retry = Enumerable.Range(0, held.Count).Where(i => views[i].Failed).ToList();
        if (retry.Count > 0)
        {
            var again = await Bounded.SelectAsync(retry, ReadsInFlight, i => ReadOneAsync(held[i], MemberReadTimeout, cancellationToken));
            for (var k = 0; k < retry.Count; k++) views[retry[k]] = again[k];
        }
        var result = new List<KeyValuePair<string, GroupMember?>>(held.Count);
        for (var i = 0; i < held.Count; i++)
        {
            if (views[i].Failed) logger.MemberReadFailed(views[i].Error!, orgId, groupId, held[i].UserId);
            result.Add(KeyValuePair.Create(held[i].UserId, views[i].Failed ? held[i] : views[i].View));
        }
        return result;
    }

    /// <summary>
    /// The views of the members that answer within <see cref="ActivationReadTimeout"/>, for a group's activation; the
    /// others are listed in <paramref name="unread"/> (their held view stands until the background refresh reads them).
    /// </summary>
    public async Task<List<KeyValuePair<string, GroupMember?>>> ReadForActivationAsync(
        List<GroupMember> held, List<GroupMember> unread, CancellationToken cancellationToken)
    {
        var views = await Bounded.SelectAsync(held, ReadsInFlight, m => ReadOneAsync(m, ActivationReadTimeout, cancellationToken));
        var result = new List<KeyValuePair<string, GroupMember?>>(held.Count);
        for (var i = 0; i < held.Count; i++)
        {
            if (views[i].Failed) unread.Add(held[i]);
            else result.Add(KeyValuePair.Create(held[i].UserId, views[i].View));
        }
        return result;
    }

    private async Task<(GroupMember? View, bool Failed, Exception? Error)> ReadOneAsync(GroupMember held, TimeSpan timeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            // IUserGrain.GetSnapshotAsync interleaves, so this cannot deadlock with a user awaiting the group's UpdateMember.
            var snapshot = await grains.GetGrain<IUserGrain>(PresenceIds.Key(orgId, held.UserId)).GetSnapshotAsync()
                .WaitAsync(timeout, time);
            return (snapshot?.ToMember(), false, null);
        }
        catch (Exception ex)
        {
            return (null, true, ex);
        }
    }
}
