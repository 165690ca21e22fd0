namespace FreedomCti.Presence.Hosting;

/// <summary>Lets an external cluster client (a gateway) publish and subscribe to presence streams.</summary>
public static class PresenceClientExtensions
{
    /// <summary>Registers the in-memory stream provider "presence" on the client; it must match the silos' provider (see PresenceClusterHosting).</summary>
    public static IClientBuilder AddPresenceStreams(this IClientBuilder client)
    {
        ArgumentNullException.ThrowIfNull(client);
        client.AddMemoryStreams(PresenceStreams.ProviderName);
        return client;
    }
}
