using FreedomCti.Presence.Silo.Hosting;

// A presence-grid silo: hosts the user, group, organisation and directory grains.
// Gateways connect to it as Orleans clients (Cluster:Mode=Client on the gateway); docs/operations.md lists the settings.
var builder = WebApplication.CreateBuilder(args);

builder.AddPresenceSilo();   // clustering, storage, streams, shutdown, health, metrics (Hosting/PresenceSiloHosting.cs)

var app = builder.Build();
app.MapPresenceSiloEndpoints();   // /health/live, /health/ready, /health/startup, /metrics
app.Run();
