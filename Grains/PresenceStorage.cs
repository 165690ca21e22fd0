namespace FreedomCti.Presence;

/// <summary>Names of the grain storage providers the presence grains use.</summary>
public static class PresenceStorage
{
    /// <summary>Grains stored as one row each (users), with Orleans' default storage serializer.</summary>
    /// <remarks>Groups and organisations stored their single row ("state") here before they were split; it is read once to move them.</remarks>
    public const string Name = "presence";

    /// <summary>
    /// Grains stored as several small rows each (groups, organisations, import jobs: a header, a queue, chunks),
    /// in compact JSON (<see cref="Persistence.CompactJsonStorageSerializer"/>). Same table as <see cref="Name"/>.
    /// </summary>
    public const string Rows = "presence-rows";
}
