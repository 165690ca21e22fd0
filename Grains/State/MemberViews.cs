namespace FreedomCti.Presence.State;

/// <summary>Builds a group's view of a member from the user's own snapshot.</summary>
public static class MemberViews
{
    public static GroupMember ToMember(this UserSnapshot user) =>
        new(user.UserId, user.Profile.DisplayName, user.Profile.Extension, user.Status, user.ActiveCall?.StartedAt, user.Seq, user.Stale);
}
