using System.Collections.Concurrent;
using System.Text;
using FreedomCti.Bench.Load;

namespace FreedomCti.Bench.Systems;

/// <summary>
/// The frame a peer broadcasts for a member change: the same shape and about the same size as the gateway's
/// member_presence_update, with a per-channel seq the bench assigns (peers have no state of their own).
/// </summary>
public sealed class PeerFrames
{
    private readonly ConcurrentDictionary<string, long> _seq = new();

    public (byte[] Frame, long Seq) Next(string groupId, int user, byte status)
    {
        var seq = _seq.AddOrUpdate(groupId, 1, (_, s) => s + 1);
        var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
        var json = "{\"type\":\"member_presence_update\",\"timestamp\":\"" + now + "\",\"seq\":" + seq +
            ",\"data\":{\"groupId\":\"" + groupId + "\",\"userId\":\"u" + user + "\",\"displayName\":\"User " + user +
            "\",\"status\":\"" + FrameHeader.Statuses[status] + "\",\"previousStatus\":\"offline\",\"extension\":\"" + (10000 + user) +
            "\",\"updatedSummary\":{\"totalMembers\":10,\"available\":5,\"busy\":2,\"onCall\":3,\"away\":0,\"dnd\":0,\"offline\":0}}}";
        return (Encoding.UTF8.GetBytes(json), seq);
    }
}
