namespace FreedomCti.Presence.Gateway.Api;

/// <summary>The organisation's session rules over REST: validation of <c>settings.sessions</c> and its document.</summary>
public static class SessionSettings
{
    /// <summary>Checks the request and builds the policy (null when the request has no sessions object); errors by field.</summary>
    public static Dictionary<string, string[]>? Validate(SessionSettingsRequest? request, out SessionPolicy? policy)
    {
        policy = null;
        if (request is null) return null;
        var errors = new Dictionary<string, string[]>();
        var d = SessionPolicy.DefaultEnabled;
        Check(errors, "leaseSeconds", request.LeaseSeconds, 2, 3600);
        Check(errors, "graceSeconds", request.GraceSeconds, 0, 3600);
        Check(errors, "idleSeconds", request.IdleSeconds, 2, 86_400);
        Check(errors, "debounceMs", request.DebounceMs, 0, 60_000);
        if (errors.Count > 0) return errors;
        policy = new SessionPolicy(
            request.Enabled ?? true,
            request.LeaseSeconds is { } lease ? TimeSpan.FromSeconds(lease) : d.Lease,
            request.GraceSeconds is { } grace ? TimeSpan.FromSeconds(grace) : d.Grace,
            request.IdleSeconds is { } idle ? TimeSpan.FromSeconds(idle) : d.Idle,
            request.DebounceMs is { } debounce ? TimeSpan.FromMilliseconds(debounce) : d.Debounce);
        return null;
    }

    public static SessionSettingsDocument Document(SessionPolicy policy) => new(
        policy.Enabled,
        (int)policy.Lease.TotalSeconds,
        (int)policy.Grace.TotalSeconds,
        (int)policy.Idle.TotalSeconds,
        (int)policy.Debounce.TotalMilliseconds);

    private static void Check(Dictionary<string, string[]> errors, string field, int? value, int min, int max)
    {
        if (value is { } v && (v < min || v > max))
        {
            errors[$"settings.sessions.{field}"] = [$"{field} must be between {min} and {max}."];
        }
    }
}
