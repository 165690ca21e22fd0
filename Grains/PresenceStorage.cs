namespace FreedomCti.Presence;

/// <summary>Names of the grain storage providers the presence grains use.</summary>
public static class PresenceStorage
{
    /// <summary>Users, groups and organisations.</summary>
    public const string Name = "presence";
}
