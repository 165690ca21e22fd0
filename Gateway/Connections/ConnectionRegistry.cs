using System.Collections.Concurrent;
using FreedomCti.Presence.Gateway.Hosting;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Connections;

/// <summary>The open connections of this gateway, so shutdown can close each one with a reconnect hint.</summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, PresenceConnection> _open = new(StringComparer.Ordinal);

    public int Count => _open.Count;

    public IEnumerable<PresenceConnection> Open => _open.Values;

    /// <summary>
    /// A connection id unique across gateways and restarts (a UUIDv7: time-ordered, random below the millisecond),
    /// so log lines and session records of sockets on different pods never collide. Every pod is PID 1, so ids built
    /// from a process id and a counter did.
    /// </summary>
    public string NextId() => $"c-{Guid.CreateVersion7():N}";

    public void Add(PresenceConnection connection) => _open[connection.ConnectionId] = connection;

    public void Remove(PresenceConnection connection) => _open.TryRemove(connection.ConnectionId, out _);

    /// <summary>Closes every socket with 1012 SERVICE_RESTART, each with its own (jittered) reconnect hint.</summary>
    public void CloseAll(Func<PresenceConnection, CloseHint> hint)
    {
        foreach (var connection in _open.Values)
        {
            var (description, reconnectAfterMs) = hint(connection);
            connection.Close(PresenceCloseCodes.ServiceRestart, description, reconnectAfterMs);
        }
    }
}
