using FreedomCti.Presence.Gateway.Demo;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Limits;
using FreedomCti.Presence.Gateway.Security;
using FreedomCti.Presence.ServiceDefaults;

// The presence gateway: WebSocket subscriptions and the REST API in front of the Orleans presence grid.
// By default it co-hosts a silo (one process, nothing external); Cluster:Mode=Client makes it a client of remote silos.
if (TokenCommand.IsInvoked(args)) return TokenCommand.Run(args); // `… token --org … --sub …`: print a token and exit

var builder = WebApplication.CreateBuilder(ContentRoot.AppFolder(args)); // settings from the app's folder, wherever it starts

builder.AddServiceDefaults(separateManagementPort: true); // telemetry; health and metrics on Management:Urls (ServiceDefaults/)
builder.AddPresenceCluster();   // co-hosted silo or cluster client (Hosting/PresenceClusterExtensions.cs)
builder.AddPresenceGateway();   // topic hub, sockets, REST API, readiness (Hosting/PresenceGatewayExtensions.cs)
builder.AddPresenceAuthentication(); // JWT bearer; a printed development key when none is configured (Security/)
builder.AddPresenceLimits();    // 4008 connection quotas, handshake rate, body size (Limits/)
builder.AddDemoTenant();        // org-12345 and the spec's Sales Team, when Demo:Seed is on (Demo/DemoTenant.cs)

var app = builder.Build();
app.UsePresenceGateway();
app.MapDefaultEndpoints();      // /health/live, /health/ready, /health/startup, /metrics on the management port
app.Run();
return 0;

/// <summary>Visible to tests that host the gateway in-process.</summary>
public partial class Program;
