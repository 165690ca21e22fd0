using FreedomCti.Presence.Gateway.Demo;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Security;

// The presence gateway: WebSocket subscriptions and the REST API in front of the Orleans presence grid.
// By default it co-hosts a silo (one process, nothing external); Cluster:Mode=Client makes it a client of remote silos.
var builder = WebApplication.CreateBuilder(args);

builder.AddPresenceCluster();   // co-hosted silo or cluster client (Hosting/PresenceClusterExtensions.cs)
builder.AddPresenceGateway();   // topic hub, sockets, REST API, health (Hosting/PresenceGatewayExtensions.cs)
builder.AddPresenceAuthentication(); // JWT bearer; a printed development key when none is configured (Security/)
builder.AddPresenceLimits();    // 4008 connection quotas, handshake rate, body size (Limits/)
builder.AddDemoTenant();        // org-12345 and the spec's Sales Team, when Demo:Seed is on (Demo/DemoTenant.cs)

var app = builder.Build();
app.UsePresenceGateway();
app.Run();

/// <summary>Visible to tests that host the gateway in-process.</summary>
public partial class Program;
