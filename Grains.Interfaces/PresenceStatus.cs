namespace FreedomCti.Presence;

/// <summary>The six presence states of the WebSocket contract.</summary>
[GenerateSerializer, Alias("fcti.PresenceStatus")]
public enum PresenceStatus
{
    Offline = 0,
    Available = 1,
    Busy = 2,
    OnCall = 3,
    Away = 4,
    Dnd = 5,
}

/// <summary>Maps <see cref="PresenceStatus"/> to and from the contract's wire names (<c>on_call</c>, <c>dnd</c>, ...).</summary>
public static class PresenceStatusNames
{
    public static string ToWire(this PresenceStatus status) => status switch
    {
        PresenceStatus.Available => "available",
        PresenceStatus.Busy => "busy",
        PresenceStatus.OnCall => "on_call",
        PresenceStatus.Away => "away",
        PresenceStatus.Dnd => "dnd",
        _ => "offline",
    };

    /// <summary>Parses a wire name; exact, lower-case match only, so typos are refused rather than guessed.</summary>
    public static bool TryParse(string? wire, out PresenceStatus status)
    {
        switch (wire)
        {
            case "available": status = PresenceStatus.Available; return true;
            case "busy": status = PresenceStatus.Busy; return true;
            case "on_call": status = PresenceStatus.OnCall; return true;
            case "away": status = PresenceStatus.Away; return true;
            case "dnd": status = PresenceStatus.Dnd; return true;
            case "offline": status = PresenceStatus.Offline; return true;
            default: status = PresenceStatus.Offline; return false;
        }
    }
}
