using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Diagnostics.Metrics;
using FreedomCti.Presence.Persistence;
using Orleans.Configuration;
using Orleans.Storage;

namespace FreedomCti.Presence.Hosting;

/// <summary>Adds what every silo of the presence grid needs: grain storage, reminders and collection settings.</summary>
public static class PresenceSiloExtensions
{
    /// <summary>Registers presence storage, reminders and grain collection; see <see cref="PresenceGridOptions"/> for what can be swapped.</summary>
    public static ISiloBuilder AddPresenceGrid(this ISiloBuilder silo, Action<PresenceGridOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var options = new PresenceGridOptions();
        configure?.Invoke(options);

        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.AddSingleton(new SessionSweep(options.SessionSweepPeriod));
        // What this silo knows of the gateways' leases, shared by its user grains' holder checks.
        silo.Services.AddSingleton<Grains.GatewayLeaseCache>();
        silo.Configure<ReminderOptions>(o =>
        {
            if (o.MinimumReminderPeriod > options.SessionSweepPeriod) o.MinimumReminderPeriod = options.SessionSweepPeriod;
        });
        if (options.UseMemoryReminders)
        {
            silo.UseInMemoryReminderService();
        }
        silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = options.CollectionAge);

        if (options.UseMemoryStorage)
        {
            silo.AddMemoryGrainStorage(PresenceStorage.Name);
            silo.AddMemoryGrainStorage(PresenceStorage.Rows);
        }
        silo.Services.AddPresenceStorageMetrics();
        return silo;
    }

    /// <summary>
    /// Gives <see cref="PresenceStorage.Rows"/> its compact serializer and wraps both providers and their serializers in
    /// the counters of <see cref="StorageMetrics"/>. Runs after the providers are registered (memory or Azure Tables).
    /// </summary>
    private static void AddPresenceStorageMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new StorageMetrics(sp.GetService<IMeterFactory>()));
        // Providers take the serializer registered under their own name before the silo-wide default.
        services.AddKeyedSingleton<IGrainStorageSerializer>(PresenceStorage.Rows,
            (sp, _) => new CountingStorageSerializer(new CompactJsonStorageSerializer(), sp.GetRequiredService<StorageMetrics>()));
        services.AddKeyedSingleton<IGrainStorageSerializer>(PresenceStorage.Name,
            (sp, _) => new CountingStorageSerializer(sp.GetRequiredService<IGrainStorageSerializer>(), sp.GetRequiredService<StorageMetrics>()));
        foreach (var name in new[] { PresenceStorage.Name, PresenceStorage.Rows })
        {
            var provider = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name) && d.KeyedImplementationFactory is not null)
                ?? throw new InvalidOperationException($"Grain storage '{name}' must be registered before AddPresenceGrid counts it.");
            services.Remove(provider);
            services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) =>
                new CountingGrainStorage((IGrainStorage)provider.KeyedImplementationFactory!(sp, key), sp.GetRequiredService<StorageMetrics>()));
        }
    }
}

/// <summary>The session reminder's period, as configured (see <see cref="PresenceGridOptions.SessionSweepPeriod"/>).</summary>
public sealed record SessionSweep(TimeSpan Period);
