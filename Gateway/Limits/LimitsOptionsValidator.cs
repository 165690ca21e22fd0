using System.Net;
using FreedomCti.Presence.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Limits;

/// <summary>Checks the "Limits" section at start: positive limits, parseable networks and origins.</summary>
public sealed class LimitsOptionsValidator : IValidateOptions<LimitsOptions>
{
    public ValidateOptionsResult Validate(string? name, LimitsOptions o)
    {
        var rules = new OptionRules(LimitsOptions.Section);
        rules.AtLeast(o.MaxConnectionsPerGateway, 1)
            .AtLeast(o.MaxConnectionsPerUser, 1)
            .AtLeast(o.DefaultMaxConnectionsPerOrg, 1)
            // Renewed every third of it (ConnectionLeaseRenewer): a lease of a few seconds renews several times a second.
            .Require(o.ConnectionLeaseTime >= TimeSpan.FromSeconds(1),
                $"Limits:ConnectionLeaseTime must be at least 1 second (is {o.ConnectionLeaseTime}); it is renewed every third of it.")
            .Require(o.MessagesPerSecond > 0, $"Limits:MessagesPerSecond must be above zero (is {o.MessagesPerSecond}).")
            .AtLeast(o.MessageBurst, 1)
            .AtLeast(o.MaxTopicsPerSocket, 1)
            .AtLeast(o.HandshakesPerSecondPerAddress, 1)
            .Require(o.HandshakeBurstPerAddress >= o.HandshakesPerSecondPerAddress,
                $"Limits:HandshakeBurstPerAddress ({o.HandshakeBurstPerAddress}) must be at least Limits:HandshakesPerSecondPerAddress ({o.HandshakesPerSecondPerAddress}).")
            .AtLeast(o.MaxConcurrentWritesPerOrg, 1)
            .AtLeast(o.QueuedWritesPerOrg, 0)
            .AtLeast(o.MaxRequestBodyBytes, 1024);
        for (var i = 0; i < (o.TrustedProxyNetworks?.Length ?? 0); i++)
        {
            rules.Require(IPNetwork.TryParse(o.TrustedProxyNetworks![i], out _),
                $"Limits:TrustedProxyNetworks:{i} '{o.TrustedProxyNetworks[i]}' is not a CIDR network like 10.0.0.0/8.");
        }
        for (var i = 0; i < (o.AllowedOrigins?.Length ?? 0); i++)
        {
            var origin = o.AllowedOrigins![i];
            // Compared as text with a browser's Origin header (OriginPolicy), which never carries a path.
            rules.Require(origin == "*" || (Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.PathAndQuery == "/"),
                $"Limits:AllowedOrigins:{i} '{origin}' is not an origin like https://app.example.com (scheme, host and port only) or '*'.");
        }
        return rules.Result;
    }
}
