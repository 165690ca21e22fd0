namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>Renders the current full state of a topic as a snapshot frame (called under the topic's lock).</summary>
public interface ISnapshotSource
{
    byte[] CurrentSnapshot();
}

/// <summary>A frame on its way to one socket: the shared bytes, and where a newer snapshot can be had if the socket falls behind.</summary>
/// <remarks>
/// The bytes are rendered once per topic event and shared by every subscriber; only this 16-byte envelope is per socket.
/// <see cref="Source"/> is null for control frames (errors, pongs, acknowledgements), which are never conflated.
/// </remarks>
public readonly record struct OutboundFrame(byte[] Bytes, ISnapshotSource? Source)
{
    public static OutboundFrame Control(byte[] bytes) => new(bytes, null);

    public static OutboundFrame State(byte[] bytes, ISnapshotSource source) => new(bytes, source);
}
