using FreedomCti.Presence.Hosting;
using FreedomCti.Presence.ServiceDefaults;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using Orleans.Dashboard;

namespace FreedomCti.Presence.Silo.Hosting;

/// <summary>Wires a standalone grain host: the grid's providers from configuration, graceful shutdown and readiness.</summary>
public static class PresenceSiloHosting
{
    public static WebApplicationBuilder AddPresenceSilo(this WebApplicationBuilder builder)
    {
        var cluster = PresenceClusterOptionsValidator.Bind(builder.Configuration); // stops here, naming the key, if a setting is bad
        var silo = builder.Configuration.GetSection(SiloOptions.Section).Get<SiloOptions>() ?? new();
        builder.Services.AddOptions<SiloOptions>().BindConfiguration(SiloOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SiloOptions>, SiloOptionsValidator>();

        ClusterPortCheck.EnsureFree(cluster); // Orleans would share a port already taken without a word (ClusterPortCheck.cs)
        builder.UseOrleans(orleans =>
        {
            orleans.UsePresenceCluster(cluster).AddActivityPropagation().UseMembershipClock();
            // The dashboard's data comes from the silos; it is served (to admins only) by the gateways.
            if (builder.Configuration.GetValue("Dashboard:Enabled", false)) orleans.AddDashboard();
        });

        // Orleans leaves the cluster (deactivates grains, marks itself dead in the table) inside this window.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = silo.ShutdownTimeout);
        builder.Services.AddHealthChecks()
            .AddCheck<SiloReadinessCheck>("silo", tags: [HealthTags.Ready, HealthTags.Startup]);
        // Grain storage operations and bytes by grain and row kind (Grains/Persistence/StorageMetrics.cs).
        builder.Services.ConfigureOpenTelemetryMeterProvider(m => m.AddMeter(FreedomCti.Presence.Persistence.StorageMetrics.MeterName));
        return builder;
    }
}
