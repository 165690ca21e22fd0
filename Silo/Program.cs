using FreedomCti.Presence.ServiceDefaults;
using FreedomCti.Presence.Silo.Hosting;

// A presence-grid silo: hosts the user, group, organisation and directory grains.
// Gateways connect to it as Orleans clients (Cluster:Mode=Client on the gateway); docs/operations.md lists the settings.
var builder = WebApplication.CreateBuilder(ContentRoot.AppFolder(args)); // settings from the app's folder, wherever it starts

builder.AddServiceDefaults();   // OpenTelemetry, health checks, metrics (ServiceDefaults/)
builder.AddPresenceSilo();      // clustering, storage, shutdown, readiness (Hosting/PresenceSiloHosting.cs)

var app = builder.Build();
app.MapDefaultEndpoints();      // /health/live, /health/ready, /health/startup, /metrics
app.Run();
