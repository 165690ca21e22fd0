using FreedomCti.Presence.Hosting;

// A presence-grid silo: hosts the user, group, organisation and directory grains.
// Gateways connect to it as Orleans clients (Cluster:Mode=Client on the gateway).
var builder = WebApplication.CreateBuilder(args);
var cluster = builder.Configuration.GetSection("Cluster");

builder.UseOrleans(silo => silo
    .UseLocalhostClustering(
        siloPort: cluster.GetValue("SiloPort", 11111),
        gatewayPort: cluster.GetValue("GatewayPort", 30000),
        serviceId: cluster.GetValue("ServiceId", "freedomcti-presence")!,
        clusterId: cluster.GetValue("ClusterId", "dev")!)
    .AddPresenceGrid());
builder.Services.AddHealthChecks();

var app = builder.Build();
app.MapHealthChecks("/health/live");
app.Run();
