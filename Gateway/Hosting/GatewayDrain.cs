using FreedomCti.Presence.Gateway.Connections;
using FreedomCti.Presence.Gateway.Protocol;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Hosting;

/// <summary>
/// Graceful shutdown on SIGTERM, before Kestrel stops: turn not-ready (the load balancer stops sending new sockets),
/// refuse new sockets, close open ones with 1012 and a jittered reconnect hint so clients spread over the other
/// gateways instead of stampeding, then keep serving for <see cref="GatewayOptions.DrainDelay"/> while endpoints update.
/// </summary>
public sealed class GatewayDrain(ConnectionRegistry registry, IOptions<GatewayOptions> options, ILogger<GatewayDrain> logger) : IHostedLifecycleService
{
    private volatile bool _draining;

    public bool IsDraining => _draining;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        var drain = options.Value;
        GatewayLog.Draining(logger, registry.Count, drain.DrainDelay);
        registry.CloseAll(connection =>
        {
            var after = RetryHints.For(PresenceCloseCodes.ServiceRestart, drain) ?? 0;
            return new CloseHint($"The gateway is restarting; reconnect in about {after} ms (any gateway will do).", after);
        });
        await Task.Delay(drain.DrainDelay, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>What a closing socket is told: a description and how long to wait before reconnecting.</summary>
public readonly record struct CloseHint(string Description, int ReconnectAfterMs);
