using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.Gateway.Topics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>The singletons every connection uses, gathered once so a connection's constructor stays short.</summary>
public sealed class ConnectionServices(TopicHub hub, IOptions<GatewayOptions> options, TimeProvider clock,
    ILogger<PresenceConnection> logger, GatewayMetrics metrics, ConnectionRegistry registry,
    TokenValidator tokens, ConnectionQuota quota, IOptions<LimitsOptions> limits, Sessions.SocketSessions sessions,
    OrganisationCache organisations, SocketTickets tickets)
{
    public TopicHub Hub { get; } = hub;
    public GatewayOptions Options { get; } = options.Value;
    public TimeProvider Clock { get; } = clock;
    public ILogger Logger { get; } = logger;
    public GatewayMetrics Metrics { get; } = metrics;
    public ConnectionRegistry Registry { get; } = registry;
    public TokenValidator Tokens { get; } = tokens;
    public ConnectionQuota Quota { get; } = quota;
    public LimitsOptions Limits { get; } = limits.Value;
    public Sessions.SocketSessions Sessions { get; } = sessions;
    public OrganisationCache Organisations { get; } = organisations;
    public SocketTickets Tickets { get; } = tickets;
}
