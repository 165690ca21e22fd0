using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;

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
        }
        return silo;
    }
}

/// <summary>The session reminder's period, as configured (see <see cref="PresenceGridOptions.SessionSweepPeriod"/>).</summary>
public sealed record SessionSweep(TimeSpan Period);
