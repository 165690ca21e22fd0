using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Hosting;

/// <summary>
/// Checks the "Cluster" section at start (silo and gateway alike), related timings together: a bad value stops the
/// process with the key's name instead of surfacing later as a silo that never joins or never declares a dead one.
/// </summary>
public sealed class PresenceClusterOptionsValidator : IValidateOptions<PresenceClusterOptions>
{
    /// <summary>
    /// The "Cluster" section, checked as it is read. Silo and client builders consume it while the host is being built
    /// (Orleans takes ports and providers then), so the check cannot wait for ValidateOnStart.
    /// </summary>
    public static PresenceClusterOptions Bind(IConfiguration configuration)
    {
        var options = configuration.GetSection(PresenceClusterOptions.Section).Get<PresenceClusterOptions>() ?? new();
        var result = new PresenceClusterOptionsValidator().Validate(null, options);
        if (result.Failed) throw new OptionsValidationException(PresenceClusterOptions.Section, typeof(PresenceClusterOptions), result.Failures);
        return options;
    }

    public ValidateOptionsResult Validate(string? name, PresenceClusterOptions o)
    {
        var rules = new OptionRules(PresenceClusterOptions.Section);
        rules.Require(!string.IsNullOrWhiteSpace(o.ClusterId), "Cluster:ClusterId must not be empty.")
            .Require(!string.IsNullOrWhiteSpace(o.ServiceId), "Cluster:ServiceId must not be empty.")
            .Port(o.SiloPort)
            .Port(o.GatewayPort)
            .Require(o.SiloPort != o.GatewayPort, $"Cluster:SiloPort and Cluster:GatewayPort must differ (both are {o.SiloPort}).")
            .Require(o.PrimarySiloPort is null or (>= 1 and <= 65535), $"Cluster:PrimarySiloPort must be a TCP port, 1-65535 (is {o.PrimarySiloPort}).")
            .Require(string.IsNullOrEmpty(o.AdvertisedIPAddress) || IPAddress.TryParse(o.AdvertisedIPAddress, out _),
                $"Cluster:AdvertisedIPAddress '{o.AdvertisedIPAddress}' is not an IP address.")
            .Require(!(o.Clustering == ClusteringProvider.AzureStorage || o.Storage == StorageProvider.AzureStorage) || !string.IsNullOrWhiteSpace(o.StorageConnectionString),
                "Cluster:StorageConnectionString is required with Cluster:Clustering=AzureStorage or Cluster:Storage=AzureStorage.")
            .Positive(o.GatewayListRefreshPeriod)
            .Positive(o.ResponseTimeout)
            .Positive(o.SessionSweepPeriod);

        var m = o.Membership;
        rules.Positive(o.Membership.ProbeTimeout)
            .AtLeast(o.Membership.NumMissedProbesLimit, 1)
            .AtLeast(o.Membership.NumVotesForDeathDeclaration, 1)
            .Positive(o.Membership.IAmAliveTablePublishTimeout)
            .Positive(o.Membership.TableRefreshTimeout)
            // A suspicion must still count when the next silo's arrives, or no silo is ever declared dead.
            .Require(m.DeathVoteExpirationTimeout > m.ProbeTimeout * m.NumMissedProbesLimit,
                $"Cluster:Membership:DeathVoteExpirationTimeout ({m.DeathVoteExpirationTimeout}) must be longer than Cluster:Membership:ProbeTimeout × " +
                $"Cluster:Membership:NumMissedProbesLimit ({m.ProbeTimeout * m.NumMissedProbesLimit}): a vote must outlive the probes that lead to it.")
            // A row is defunct only once its silo stopped writing I-am-alive; earlier, cleanup would delete a live silo's row.
            .Require(m.DefunctSiloExpiration > m.IAmAliveTablePublishTimeout,
                $"Cluster:Membership:DefunctSiloExpiration ({m.DefunctSiloExpiration}) must be longer than Cluster:Membership:IAmAliveTablePublishTimeout ({m.IAmAliveTablePublishTimeout}).");
        return rules.Result;
    }
}
