using System.Net;
using Azure.Data.Tables;
using Orleans.Configuration;

namespace FreedomCti.Presence.Hosting;

/// <summary>
/// Turns <see cref="PresenceClusterOptions"/> into Orleans providers, for silos and for cluster clients alike,
/// so that both sides of the grid always agree on clustering and storage.
/// </summary>
public static class PresenceClusterHosting
{
    private const string GrainStateTable = "PresenceGrainState";
    private const string ReminderTable = "PresenceReminders";

    /// <summary>Clustering, endpoints, membership timings and storage for a silo; then <see cref="PresenceSiloExtensions.AddPresenceGrid"/>.</summary>
    public static ISiloBuilder UsePresenceCluster(this ISiloBuilder silo, PresenceClusterOptions options, Action<PresenceGridOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        if (options.Clustering == ClusteringProvider.Localhost)
        {
            var primary = options.PrimarySiloPort is { } port ? new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port) : null;
            silo.UseLocalhostClustering(options.SiloPort, options.GatewayPort, primary, options.ServiceId, options.ClusterId);
        }
        else
        {
            silo.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(ConnectionString(options)));
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
            silo.Configure<EndpointOptions>(o =>
            {
                o.AdvertisedIPAddress = string.IsNullOrEmpty(options.AdvertisedIPAddress) ? IPAddress.Loopback : IPAddress.Parse(options.AdvertisedIPAddress);
                o.SiloPort = options.SiloPort;
                o.GatewayPort = options.GatewayPort;
                // Listen on every interface: in a pod the advertised address is the pod IP.
                o.SiloListeningEndpoint = new IPEndPoint(IPAddress.Any, options.SiloPort);
                o.GatewayListeningEndpoint = new IPEndPoint(IPAddress.Any, options.GatewayPort);
            });
        }
        silo.Configure<ClusterMembershipOptions>(o => ApplyMembership(o, options.Membership));
        if (!string.IsNullOrEmpty(options.SiloName)) silo.Configure<SiloOptions>(o => o.SiloName = options.SiloName);

        if (options.Storage == StorageProvider.AzureStorage)
        {
            silo.AddAzureTableGrainStorage(PresenceStorage.Name, o => Table(o, options, GrainStateTable));
            // Same table, so all of a grain's rows share its partition; removed rows (old chunks, finished imports) go.
            silo.AddAzureTableGrainStorage(PresenceStorage.Rows, o =>
            {
                Table(o, options, GrainStateTable);
                o.DeleteStateOnClear = true;
            });
            // Session reminders must outlive any one silo, like the state they guard.
            silo.UseAzureTableReminderService(o =>
            {
                o.TableServiceClient = new TableServiceClient(ConnectionString(options));
                o.TableName = ReminderTable;
            });
        }
        return silo.AddPresenceGrid(grid =>
        {
            grid.UseMemoryStorage = options.Storage == StorageProvider.Memory;
            grid.UseMemoryReminders = options.Storage == StorageProvider.Memory;
            grid.SessionSweepPeriod = options.SessionSweepPeriod;
            configure?.Invoke(grid);
        });
    }

    /// <summary>Clustering and messaging settings for an external client (a gateway in Client mode).</summary>
    public static IClientBuilder UsePresenceCluster(this IClientBuilder client, PresenceClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);

        if (options.Clustering == ClusteringProvider.Localhost)
        {
            client.UseLocalhostClustering(options.GatewayPort, options.ServiceId, options.ClusterId);
        }
        else
        {
            client.UseAzureStorageClustering(o => o.TableServiceClient = new TableServiceClient(ConnectionString(options)));
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (options.ClusterId, options.ServiceId));
        }
        client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = options.GatewayListRefreshPeriod);
        client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = options.ResponseTimeout);
        return client;
    }

    private static void ApplyMembership(ClusterMembershipOptions o, PresenceMembershipOptions m)
    {
        o.ProbeTimeout = m.ProbeTimeout;
        o.NumMissedProbesLimit = m.NumMissedProbesLimit;
        o.NumVotesForDeathDeclaration = m.NumVotesForDeathDeclaration;
        o.DeathVoteExpirationTimeout = m.DeathVoteExpirationTimeout;
        o.IAmAliveTablePublishTimeout = m.IAmAliveTablePublishTimeout;
        o.TableRefreshTimeout = m.TableRefreshTimeout;
        o.DefunctSiloExpiration = m.DefunctSiloExpiration;
    }

    private static void Table(AzureTableStorageOptions o, PresenceClusterOptions options, string table)
    {
        o.TableServiceClient = new TableServiceClient(ConnectionString(options));
        o.TableName = table;
    }

    private static string ConnectionString(PresenceClusterOptions options) =>
        string.IsNullOrWhiteSpace(options.StorageConnectionString)
            ? throw new InvalidOperationException("Cluster:StorageConnectionString is required for Azure clustering or storage.")
            : options.StorageConnectionString;
}
