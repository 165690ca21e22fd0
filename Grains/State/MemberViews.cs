namespace FreedomCti.Presence.State;

/// <summary>Builds a group's view of a member from the user's own snapshot.</summary>
public static class MemberViews
{
    public static GroupMember ToMember(this UserSnapshot user) =>
        new(user.UserId, user.Profile.DisplayName, user.Profile.Extension, user.Status, user.ActiveCall?.StartedAt, user.Seq, user.Stale,
            user.StatusSince ?? user.ChangedAt, ReasonShown(user.Status, user.StatusMessage), user.InSession);

    /// <summary>
    /// The message a group shows beside a status: the reason for being away, on do not disturb or busy. Kept out of the
    /// member view otherwise, so a message an available agent leaves does not change what a group renders.
    /// </summary>
    public static string? ReasonShown(PresenceStatus status, string? message) =>
        status is PresenceStatus.Away or PresenceStatus.Dnd or PresenceStatus.Busy && !string.IsNullOrEmpty(message) ? message : null;
}
