namespace FreedomCti.Bench.Load;

/// <summary>What a subscriber keeps of a frame: enough to match it to the write that caused it, nothing more.</summary>
/// <remarks>UserUpdate is a user topic's presence_update that is not a snapshot; SessionOpened and Error are replies.</remarks>
public enum FrameKind : byte { Other = 0, Snapshot = 1, GroupUpdate = 2, MemberUpdate = 3, UserUpdate = 4, SessionOpened = 5, Error = 6 }

/// <summary>
/// Reads type, seq, member id and status from the first bytes of a presence frame without a JSON parse (the load
/// generator has to stay cheaper than the servers it measures). Users are named u{n}; peers' frames use the same shape.
/// </summary>
public static class FrameHeader
{
    public static readonly string[] Statuses = ["available", "busy", "on_call", "away", "dnd", "offline"];

    /// <returns>Topic: the number a group's id ends in ("mx12" is 12) for a frame that names a group, else -1.</returns>
    public static (FrameKind Kind, long Seq, int User, byte Status, int Topic) Parse(ReadOnlySpan<byte> frame)
    {
        var kind = FrameKind.Other;
        var type = ValueAfter(frame, "\"type\":\""u8);
        if (type.StartsWith("member_presence_update"u8)) kind = FrameKind.MemberUpdate;
        else if (type.StartsWith("group_presence_update"u8))
        {
            kind = ValueAfter(frame, "\"snapshot\":"u8).StartsWith("true"u8) ? FrameKind.Snapshot : FrameKind.GroupUpdate;
        }
        else if (type.StartsWith("presence_update"u8))
        {
            kind = ValueAfter(frame, "\"snapshot\":"u8).StartsWith("true"u8) ? FrameKind.Snapshot : FrameKind.UserUpdate;
        }
        else if (type.StartsWith("session_opened"u8)) kind = FrameKind.SessionOpened;
        else if (type.StartsWith("error"u8)) kind = FrameKind.Error;
        var seq = Number(ValueAfter(frame, "\"seq\":"u8));
        var change = kind is FrameKind.MemberUpdate or FrameKind.UserUpdate;
        var user = change ? (int)Number(ValueAfter(frame, "\"userId\":\"u"u8)) : -1;
        var status = change ? StatusIndex(ValueAfter(frame, "\"status\":\""u8)) : (byte)255;
        var topic = kind is FrameKind.UserUpdate ? -1 : (int)TrailingNumber(ValueAfter(frame, "\"groupId\":\""u8));
        return (kind, seq, user, status, topic);
    }

    /// <summary>The digits after a string value's leading non-digits, up to its closing quote; -1 without any.</summary>
    private static long TrailingNumber(ReadOnlySpan<byte> value)
    {
        var i = 0;
        while (i < value.Length && i < 64 && value[i] != (byte)'"' && (value[i] < '0' || value[i] > '9')) i++;
        return i < value.Length && value[i] != (byte)'"' ? Number(value[i..]) : -1;
    }

    public static byte StatusIndex(ReadOnlySpan<byte> value)
    {
        for (var i = 0; i < Statuses.Length; i++)
        {
            var name = Statuses[i];
            if (value.Length > name.Length && value[name.Length] == (byte)'"' && Matches(value, name)) return (byte)i;
        }
        return 255;
    }

    private static bool Matches(ReadOnlySpan<byte> value, string name)
    {
        for (var i = 0; i < name.Length; i++) if (value[i] != name[i]) return false;
        return true;
    }

    private static ReadOnlySpan<byte> ValueAfter(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> key)
    {
        var at = frame.IndexOf(key);
        return at < 0 ? default : frame[(at + key.Length)..];
    }

    private static long Number(ReadOnlySpan<byte> digits)
    {
        long value = 0;
        var any = false;
        foreach (var b in digits)
        {
            if (b < '0' || b > '9') break;
            value = value * 10 + (b - '0');
            any = true;
        }
        return any ? value : -1;
    }
}
