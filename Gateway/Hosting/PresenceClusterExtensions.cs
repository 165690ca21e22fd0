using FreedomCti.Presence.Hosting;
using Orleans.Configuration;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>Connects the gateway to the presence grid: a co-hosted silo or a client of remote silos, by configuration.</summary>
public static class PresenceClusterExtensions
{
    public static WebApplicationBuilder AddPresenceCluster(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(PresenceClusterOptions.Section).Get<PresenceClusterOptions>() ?? new();
        builder.Services.AddSingleton(options);

        if (options.Mode == ClusterMode.Embedded)
        {
            // A silo in this process; the IClusterClient it provides is used by the hub and the REST API.
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(options.SiloPort, options.GatewayPort, serviceId: options.ServiceId, clusterId: options.ClusterId)
                .AddPresenceGrid());
        }
        else
        {
            builder.UseOrleansClient(client => client
                .UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId)
                .Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10))
                .AddClusterConnectionStatusObserver<ClusterConnectionWatcher>()
                .AddPresenceStreams());
        }
        return builder;
    }
}
