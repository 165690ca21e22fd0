namespace FreedomCti.Bench.Load;

/// <summary>What a subscriber keeps of a frame: enough to match it to the write that caused it, nothing more.</summary>
public enum FrameKind : byte { Other = 0, Snapshot = 1, GroupUpdate = 2, MemberUpdate = 3 }

/// <summary>
/// Reads type, seq, member id and status from the first bytes of a presence frame without a JSON parse (the load
/// generator has to stay cheaper than the servers it measures). Users are named u{n}; peers' frames use the same shape.
/// </summary>
public static class FrameHeader
{
    public static readonly string[] Statuses = ["available", "busy", "on_call", "away", "dnd", "offline"];

    public static (FrameKind Kind, long Seq, int User, byte Status) Parse(ReadOnlySpan<byte> frame)
    {
        var kind = FrameKind.Other;
        var type = ValueAfter(frame, "\"type\":\""u8);
        if (type.StartsWith("member_presence_update"u8)) kind = FrameKind.MemberUpdate;
        else if (type.StartsWith("group_presence_update"u8) || type.StartsWith("presence_update"u8))
        {
            kind = ValueAfter(frame, "\"snapshot\":"u8).StartsWith("true"u8) ? FrameKind.Snapshot : FrameKind.GroupUpdate;
        }
        var seq = Number(ValueAfter(frame, "\"seq\":"u8));
        var user = kind == FrameKind.MemberUpdate ? (int)Number(ValueAfter(frame, "\"userId\":\"u"u8)) : -1;
        var status = kind == FrameKind.MemberUpdate ? StatusIndex(ValueAfter(frame, "\"status\":\""u8)) : (byte)255;
        return (kind, seq, user, status);
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
