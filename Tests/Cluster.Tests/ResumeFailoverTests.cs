using System.Text.Json.Nodes;
using FreedomCti.Presence.Cluster.Tests.Infrastructure;

namespace FreedomCti.Presence.Cluster.Tests;

/// <summary>
/// Clients disconnect, changes are made, a silo is killed (kill -9) in the middle, the clients reconnect with lastSeq:
/// each gets either "resumed" with exactly the seqs it missed or a snapshot, and ends with the REST truth either way.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ResumeFailoverTests(Azurite storage, ITestOutputHelper output)
{
    [Fact]
    public async Task ReconnectWithLastSeq_AcrossASiloKill_ResumesExactlyOrSnapshots_AndEndsWithTheTruth()
    {
        await using var grid = new GridCluster(storage, output);
        try
        {
            await grid.StartAsync(silos: 3, gateways: 2);
            var api = grid.Api($"org-{Guid.NewGuid():N}");
            await api.CreateTenantAsync(users: 6, new Dictionary<string, string[]> { ["g1"] = ["u1", "u2", "u3", "u4", "u5", "u6"] });

            // Keepers hold u1 and g1 on gateway 0, so that gateway keeps those topics (and their rings) throughout.
            await using var keepUser = await ResumeClient.SubscribeAsync(api, 0, isUser: true, "u1");
            await using var keepGroup = await ResumeClient.SubscribeAsync(api, 0, isUser: false, "g1");
            var userStart = (long)(await keepUser.ReceiveAsync())["seq"]!;
            await keepGroup.ReceiveAsync();

            // The clients that will go away: u1 on the keeping gateway, g1 and u2 on the other one (cross-gateway / lingered out).
            var lastSeen = new Dictionary<string, long>();
            var seenState = new Dictionary<string, JsonObject>();
            foreach (var (gateway, isUser, id) in Targets)
            {
                await using var client = await ResumeClient.SubscribeAsync(api, gateway, isUser, id);
                seenState[id] = await client.ReceiveAsync();
                lastSeen[id] = (long)seenState[id]["seq"]!;
            }
            Assert.Equal(userStart, lastSeen["u1"]);

            // Changes while they are away; a silo dies in the middle.
            for (var i = 0; i < 3; i++)
            {
                await api.SetPresenceAsync("u1", i % 2 == 0 ? "busy" : "available", $"before kill {i}");
                foreach (var user in BeforeKillOnly) await api.SetPresenceAsync(user, i % 2 == 0 ? "dnd" : "away", $"before kill {i}");
            }
            await grid.Silos[1].KillAsync();
            output.WriteLine("[resume] killed silo2 (kill -9)");
            for (var i = 0; i < 3; i++)
            {
                await api.SetPresenceAsync("u1", i % 2 == 0 ? "away" : "busy", $"after kill {i}");
                await api.SetPresenceAsync("u3", i % 2 == 0 ? "on_call" : "available", $"after kill {i}");
                await api.SetPresenceAsync("u4", i % 2 == 0 ? "busy" : "dnd", $"after kill {i}");
            }
            var truthUser1 = await api.GetUserAsync("u1");
            var truthUser4 = await api.GetUserAsync("u4");
            var truthGroup = await api.GetGroupAsync("g1");

            // What a continuously connected subscriber got for u1 on gateway 0 since the client left.
            var kept = await FramesUntilAsync(keepUser, (long)truthUser1["seq"]!);
            var keptWithoutResync = kept.All(f => (bool?)f["snapshot"] != true) && (long)kept[0]["seq"]! == userStart + 1;

            // u1 on the gateway that kept its topic.
            await using (var client = await ResumeClient.SubscribeAsync(api, 0, isUser: true, "u1", lastSeen["u1"]))
            {
                var first = await client.ReceiveAsync();
                if (keptWithoutResync)
                {
                    // The topic applied every change in order (no resync): its ring must replay them exactly.
                    Assert.Equal("resumed", (string?)first["type"]);
                    Assert.Equal(lastSeen["u1"], (long)first["fromSeq"]!);
                    Assert.Equal(kept.Count, (int)first["replayed"]!);
                    foreach (var frame in kept) Assert.Equal(frame.ToJsonString(), (await client.ReceiveAsync()).ToJsonString());
                    output.WriteLine($"[resume] u1 on the keeping gateway: resumed, {kept.Count} frames replayed exactly");
                }
                else
                {
                    output.WriteLine("[resume] u1's topic resynced during the kill, so its ring restarted");
                    await AssertEndsWithTruthAsync(client, first, seenState["u1"], truthUser1, () => api.GetUserAsync("u1"), isUser: true, "u1");
                }
            }

            // g1 and u2 on the gateway that dropped them: the grain's ring, or a snapshot if the grain lost it with the silo.
            await using (var client = await ResumeClient.SubscribeAsync(api, 1, isUser: false, "g1", lastSeen["g1"]))
            {
                await AssertEndsWithTruthAsync(client, await client.ReceiveAsync(), seenState["g1"], truthGroup, () => api.GetGroupAsync("g1"), isUser: false, "g1");
            }
            foreach (var user in BeforeKillOnly)
            {
                var truth = await api.GetUserAsync(user);
                await using var client = await ResumeClient.SubscribeAsync(api, 1, isUser: true, user, lastSeen[user]);
                await AssertEndsWithTruthAsync(client, await client.ReceiveAsync(), seenState[user], truth, () => api.GetUserAsync(user), isUser: true, user);
            }
            // u4 changed only after the kill: its grain's ring holds every change unless the grain moved again since.
            await using (var client = await ResumeClient.SubscribeAsync(api, 1, isUser: true, "u4", lastSeen["u4"]))
            {
                await AssertEndsWithTruthAsync(client, await client.ReceiveAsync(), seenState["u4"], truthUser4, () => api.GetUserAsync("u4"), isUser: true, "u4");
            }
        }
        catch
        {
            grid.DumpLogs();
            throw;
        }
    }

    private static readonly (int Gateway, bool IsUser, string Id)[] Targets = [(0, true, "u1"), (1, false, "g1"), (1, true, "u2"), (1, true, "u5"), (1, true, "u6"), (1, true, "u4")];

    /// <summary>Users changed only before the kill, resumed on the gateway that dropped them: from their grain's ring, unless the grain died with the silo.</summary>
    private static readonly string[] BeforeKillOnly = ["u2", "u5", "u6"];

    /// <summary>
    /// Either "resumed" followed by exactly the seqs fromSeq+1..seq (then nothing out of order), or a snapshot; in both
    /// cases the client's state once it reaches the truth's seq equals the REST document.
    /// </summary>
    /// <param name="seen">The snapshot the client had before it left: the state a resume continues from.</param>
    /// <param name="readTruth">Reads the REST document again when the client reaches a later epoch than <paramref name="truth"/>.</param>
    private async Task AssertEndsWithTruthAsync(ResumeClient client, JsonObject first, JsonObject seen, JsonObject truth, Func<Task<JsonObject>> readTruth, bool isUser, string id)
    {
        var truthSeq = (long)truth["seq"]!;
        var lastSeq = (long)seen["seq"]!;
        var members = new Dictionary<string, string>(StringComparer.Ordinal);
        var userView = Apply(seen, members);
        long seq;
        if ((string?)first["type"] == "resumed")
        {
            Assert.Equal(lastSeq, (long)first["fromSeq"]!);
            var upTo = (long)first["seq"]!;
            var replayed = (int)first["replayed"]!;
            Assert.Equal(upTo - lastSeq, replayed);
            output.WriteLine($"[resume] {id}: resumed from {lastSeq} to {upTo}, {replayed} frames replayed");
            seq = lastSeq;
            for (var i = 0; i < replayed; i++)
            {
                var frame = await client.ReceiveAsync();
                Assert.Equal(++seq, (long)frame["seq"]!);
                Assert.NotEqual(true, (bool?)frame["snapshot"]);
                userView = Apply(frame, members) ?? userView;
            }
        }
        else
        {
            Assert.True((bool)first["snapshot"]!, $"{id}: neither resumed nor a snapshot: {first.ToJsonString()}");
            output.WriteLine($"[resume] {id}: snapshot at {(long)first["seq"]!} (asked from {lastSeq})");
            seq = (long)first["seq"]!;
            userView = Apply(first, members) ?? userView;
        }
        while (true)
        {
            if (seq > truthSeq && seq >> 32 > truthSeq >> 32)
            {
                // The grain moved again after the truth was read: the post-kill writes can all be answered before the
                // death is declared, and at the death Orleans also deactivates survivors' activations whose directory
                // entry the dead silo held. The client's newer epoch must then end at the truth read again.
                truth = await readTruth();
                var rereadSeq = (long)truth["seq"]!;
                output.WriteLine($"[resume] {id}: reactivated after the truth was read (seq {truthSeq} → {rereadSeq}), read it again");
                truthSeq = rereadSeq;
            }
            if (seq >= truthSeq) break;
            var frame = await client.ReceiveAsync();
            var frameSeq = (long)frame["seq"]!;
            Assert.True((bool?)frame["snapshot"] == true || frameSeq == seq + 1, $"{id}: seq {frameSeq} after {seq}");
            seq = frameSeq;
            userView = Apply(frame, members) ?? userView;
        }
        Assert.Equal(truthSeq, seq);
        if (isUser) Assert.Equal(TopicView.UserFingerprint(truth["data"]!), userView);
        else Assert.Equal(TopicView.GroupFingerprint(TopicView.Members(truth["data"]!)), TopicView.GroupFingerprint(members));
    }

    /// <summary>Applies a frame to a group's member statuses; returns a user frame's fingerprint (null for group frames).</summary>
    private static string? Apply(JsonObject frame, Dictionary<string, string> members)
    {
        var data = frame["data"]!;
        switch ((string?)frame["type"])
        {
            case "presence_update":
                return TopicView.UserFingerprint(data);
            case "group_presence_update":
                members.Clear();
                foreach (var (user, status) in TopicView.Members(data)) members[user] = status;
                return null;
            case "member_presence_update":
                members[(string)data["userId"]!] = (string)data["status"]!;
                return null;
            default:
                throw new InvalidOperationException($"Unexpected frame {frame.ToJsonString()}");
        }
    }

    private static async Task<List<JsonObject>> FramesUntilAsync(ResumeClient client, long seq)
    {
        var frames = new List<JsonObject>();
        while (frames.Count == 0 || (long)frames[^1]["seq"]! < seq) frames.Add(await client.ReceiveAsync());
        return frames;
    }
}
