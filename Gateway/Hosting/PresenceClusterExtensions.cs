using FreedomCti.Presence.Gateway.Topics;
using FreedomCti.Presence.Hosting;
using Orleans.Dashboard;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>Connects the gateway to the presence grid: a co-hosted silo or a client of remote silos, by configuration.</summary>
public static class PresenceClusterExtensions
{
    public static WebApplicationBuilder AddPresenceCluster(this WebApplicationBuilder builder)
    {
        var options = PresenceClusterOptionsValidator.Bind(builder.Configuration); // stops here, naming the key, if a setting is bad
        builder.Services.AddSingleton(options);

        var dashboard = PresenceDashboard.IsEnabled(builder.Configuration);
        if (options.Mode == ClusterMode.Embedded)
        {
            // A silo in this process; the IClusterClient it provides is used by the hub and the REST API.
            ClusterPortCheck.EnsureFree(options); // Orleans would share a port already taken without a word (ClusterPortCheck.cs)
            builder.UseOrleans(silo =>
            {
                silo.UsePresenceCluster(options).AddActivityPropagation().UseMembershipClock();
                if (dashboard) silo.AddDashboard();
            });
        }
        else
        {
            builder.Services.AddSingleton<ClusterConnectionWatcher>();
            builder.Services.AddSingleton<SiloWatcher>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<SiloWatcher>());
            builder.UseOrleansClient(client => client
                .UsePresenceCluster(options)
                .AddActivityPropagation()
                // Silos may start after the gateway (a fresh deployment): keep trying until the host stops;
                // the startup probe holds traffic back meanwhile.
                .UseConnectionRetryFilter(RetryConnectAsync));
            if (dashboard) builder.UseOrleansClient(client => client.AddDashboard());
            builder.Services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterConnectionWatcher>());
        }
        return builder;
    }

    private static async Task<bool> RetryConnectAsync(Exception exception, CancellationToken cancellation)
    {
        if (cancellation.IsCancellationRequested) return false;
        await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return !cancellation.IsCancellationRequested;
    }
}
