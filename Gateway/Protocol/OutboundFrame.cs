namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>How a queued frame may be conflated when its socket falls behind.</summary>
public enum FrameConflation : byte
{
    /// <summary>Never dropped: errors, pongs, acknowledgements.</summary>
    None,
    /// <summary>The whole state of the topic (snapshot, group or user update): replaces every older conflatable frame.</summary>
    FullState,
    /// <summary>One member's change: replaces an older frame about the same member.</summary>
    Member,
}

/// <summary>A frame on its way to one socket: the shared bytes, and what a newer frame may replace it.</summary>
/// <remarks>The bytes are rendered once per topic event and shared by every subscriber; only this 16-byte envelope is per socket.</remarks>
public readonly record struct OutboundFrame(byte[] Bytes, FrameConflation Conflation, string? MemberKey)
{
    public static OutboundFrame Control(byte[] bytes) => new(bytes, FrameConflation.None, null);
    public static OutboundFrame FullState(byte[] bytes) => new(bytes, FrameConflation.FullState, null);
    public static OutboundFrame Member(byte[] bytes, string memberKey) => new(bytes, FrameConflation.Member, memberKey);
}
