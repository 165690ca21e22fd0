namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>Tags that put a health check behind /health/ready, /health/startup or both (/health/live runs none).</summary>
public static class HealthTags
{
    public const string Ready = "ready";
    public const string Startup = "startup";
}
