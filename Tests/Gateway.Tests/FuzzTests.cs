using System.Net;
using System.Net.WebSockets;
using System.Text;
using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>Thousands of random and malformed frames from several sockets: no crash, no lost update for a well-behaved socket.</summary>
[Collection(GatewayCollection.Name)]
public sealed class FuzzTests(GatewayHost host)
{
    private const int TotalFrames = 3000;
    private const int Fuzzers = 4;

    private static readonly string[] Templates =
    [
        "{\"action\":\"subscribe\",\"orgId\":\"ORG\",\"userId\":\"u1\"}",
        "{\"action\":\"unsubscribe\",\"orgId\":\"ORG\",\"userId\":\"u1\"}",
        "{\"type\":\"ping\"}",
        "{\"action\":\"refresh_token\",\"token\":\"x.y.z\"}",
        "{\"action\":\"subscribe\",\"orgId\":\"ORG\",\"groupId\":\"g1\",\"userId\":null}",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        "{\"action\":\"subscribe\",\"orgId\":\"\\u0000\\ud800\",\"userId\":\"../../etc/passwd\"}",
    ];

    [Fact]
    public async Task RandomAndMalformedFrames_NeverDisturbAWellBehavedSubscriber()
    {
        var tenant = await TestTenant.CreateAsync(host, users: 1);
        await using var good = await host.ConnectAsync(tenant.UserPath("u1"));
        await good.SubscribeUserAsync(tenant.OrgId, "u1");
        var seq = (long)(await good.ReceiveAsync())["seq"]!;
        var random = new Random(20261126);
        var sockets = new PresenceSocket?[Fuzzers];
        var sent = 0;
        var refused = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);

        for (var frame = 0; frame < TotalFrames && DateTime.UtcNow < deadline; frame++)
        {
            var slot = frame % Fuzzers;
            if (sockets[slot] is not { State: WebSocketState.Open })
            {
                if (sockets[slot] is { } closed) await closed.DisposeAsync();
                // Fuzzers alternate between the user and the group path, with and without a valid token.
                var path = slot % 2 == 0 ? tenant.UserPath("u1") : tenant.GroupPath("g1");
                // Each fuzzer reconnects often; its own source address keeps it out of the other tests' handshake budget.
                var source = IPAddress.Parse($"127.0.0.{20 + slot}");
                try
                {
                    sockets[slot] = slot == 3 ? await host.ConnectAnonymousAsync(path, source) : await host.ConnectAsync(path, source: source);
                }
                catch (Exception ex) when (ex is WebSocketException or TimeoutException or OperationCanceledException)
                {
                    // A fuzzer that reconnects this often may meet the handshake limit (429): also a refusal, not a crash.
                    sockets[slot] = null;
                    refused++;
                    continue;
                }
            }
            try
            {
                var (bytes, type) = NextFrame(random, tenant.OrgId);
                await sockets[slot]!.SendRawAsync(bytes, type);
                sent++;
            }
            catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or TimeoutException or OperationCanceledException or IOException)
            {
                // The server closed this fuzzer (rate limit, binary, oversize, 4003...): it reconnects on its next turn.
            }

            if (frame % 100 == 0)
            {
                await tenant.SetPresenceAsync("u1", frame % 200 == 0 ? "busy" : "available");
                var update = await good.ReceiveAsync();
                Assert.Equal(++seq, (long)update["seq"]!);
            }
        }
        foreach (var socket in sockets) if (socket is not null) await socket.DisposeAsync();

        Assert.True(sent >= TotalFrames / 2, $"only {sent} frames were sent ({refused} handshakes refused)");
        Assert.Equal(WebSocketState.Open, good.State);
        await good.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (string?)(await good.ReceiveAsync())["type"]);
        Assert.True((await host.Management.GetAsync("/health/live")).IsSuccessStatusCode);
    }

    private static (byte[], WebSocketMessageType) NextFrame(Random random, string orgId)
    {
        switch (random.Next(6))
        {
            case 0: // random bytes, as text
                var noise = new byte[random.Next(1, 200)];
                random.NextBytes(noise);
                return (noise, WebSocketMessageType.Text);
            case 1: // random bytes, as binary
                var blob = new byte[random.Next(1, 200)];
                random.NextBytes(blob);
                return (blob, WebSocketMessageType.Binary);
            case 2: // a valid-looking message with a few characters flipped
                var chars = Templates[random.Next(Templates.Length)].Replace("ORG", orgId).ToCharArray();
                for (var i = random.Next(1, 4); i > 0; i--) chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
                return (Encoding.UTF8.GetBytes(chars), WebSocketMessageType.Text);
            case 3: // a template as is
                return (Encoding.UTF8.GetBytes(Templates[random.Next(Templates.Length)].Replace("ORG", orgId)), WebSocketMessageType.Text);
            case 4: // truncated
                var text = Templates[random.Next(Templates.Length)].Replace("ORG", orgId);
                return (Encoding.UTF8.GetBytes(text[..random.Next(1, text.Length)]), WebSocketMessageType.Text);
            default: // oversized
                return (Encoding.UTF8.GetBytes("{\"action\":\"" + new string('a', 5000 + random.Next(5000)) + "\"}"), WebSocketMessageType.Text);
        }
    }
}
