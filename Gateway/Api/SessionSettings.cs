namespace FreedomCti.Presence.Gateway.Api;

/// <summary>The organisation's settings over REST: how a PUT merges them, and the session rules' document.</summary>
public static class SessionSettings
{
    /// <summary>
    /// The settings after a PUT: each setting sent replaces the stored one, each left out keeps it (so changing the
    /// connection limit never turns sessions off, and enabling sessions never resets the limit). The sessions object
    /// is one setting: its fields left out take the defaults. Null when the request has no settings (keep them all).
    /// </summary>
    public static OrganisationSettings? Merge(OrganisationSettings? current, OrganisationSettingsRequest? request)
    {
        if (request is null) return null;
        current ??= OrganisationSettings.Default;
        return current with
        {
            MaxConnections = request.MaxConnections ?? current.MaxConnections,
            Sessions = request.Sessions is { } sessions ? Policy(sessions) : current.Sessions,
            MaxQueueWait = request.MaxQueueWaitSeconds is { } wait ? TimeSpan.FromSeconds(wait) : current.MaxQueueWait,
            TimeZone = request.TimeZone ?? current.TimeZone,
            QueueWindowMinutes = request.QueueWindowMinutes ?? current.QueueWindowMinutes,
        };
    }

    /// <summary>The policy a validated sessions object describes.</summary>
    public static SessionPolicy Policy(SessionSettingsRequest request)
    {
        var d = SessionPolicy.DefaultEnabled;
        return new SessionPolicy(
            request.Enabled ?? true,
            request.LeaseSeconds is { } lease ? TimeSpan.FromSeconds(lease) : d.Lease,
            request.GraceSeconds is { } grace ? TimeSpan.FromSeconds(grace) : d.Grace,
            request.IdleSeconds is { } idle ? TimeSpan.FromSeconds(idle) : d.Idle,
            request.DebounceMs is { } debounce ? TimeSpan.FromMilliseconds(debounce) : d.Debounce);
    }

    public static SessionSettingsDocument Document(SessionPolicy policy) => new(
        policy.Enabled,
        (int)policy.Lease.TotalSeconds,
        (int)policy.Grace.TotalSeconds,
        (int)policy.Idle.TotalSeconds,
        (int)policy.Debounce.TotalMilliseconds);
}
