using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Configuration;
using Orleans.Streams;

namespace FreedomCti.Presence.Hosting;

/// <summary>Adds what every silo of the presence grid needs: grain storage, the event streams and collection settings.</summary>
public static class PresenceSiloExtensions
{
    /// <summary>Registers presence storage, streams and grain collection; see <see cref="PresenceGridOptions"/> for what can be swapped.</summary>
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
            silo.AddMemoryGrainStorage(PresenceStorage.PubSub);
        }
        if (options.UseMemoryStreams)
        {
            silo.AddMemoryStreams(PresenceStreams.ProviderName, streams =>
                streams.ConfigurePullingAgent(agent =>
                    agent.Configure(o =>
                    {
                        o.GetQueueMsgsTimerPeriod = options.StreamPollPeriod;
                        // A new subscriber starts from now: gateways take a snapshot first and apply only later seqs.
                        o.InitialSubscriptionStartPosition = StreamSubscriptionStartPosition.Latest;
                    })));
        }
        return silo;
    }
}

/// <summary>The session reminder's period, as configured (see <see cref="PresenceGridOptions.SessionSweepPeriod"/>).</summary>
public sealed record SessionSweep(TimeSpan Period);
