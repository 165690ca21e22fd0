using System.Net;
using System.Net.Sockets;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Loopback ports for servers a test starts. Taken below Linux's ephemeral range (32768–60999): a port the kernel
/// hands out as "free" from that range can be taken by any outgoing connection before the server binds it, which
/// under load (thousands of test sockets) happens often enough to fail a run.
/// </summary>
/// <remarks>
/// A port is free when it is handed out, and taken only when the server a test starts binds it. Test processes that
/// run side by side (test.sh) would race for the same port in between, so test.sh gives each project a range of its own
/// in <c>TEST_LOOPBACK_PORTS</c> ("first-last"); without it, 20000–31999.
/// </remarks>
public static class LoopbackPorts
{
    private static readonly (int First, int Last) Range = Parse(Environment.GetEnvironmentVariable("TEST_LOOPBACK_PORTS"));
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(Range.First, Range.Last + 1);
                if (!HandedOut.Add(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException)
                {
                    // In use by another process: try another.
                }
            }
        }
        throw new InvalidOperationException($"No free loopback port between {Range.First} and {Range.Last}.");
    }

    private static (int, int) Parse(string? range)
    {
        if (string.IsNullOrEmpty(range)) return (20000, 31999);
        var parts = range.Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], out var first) && int.TryParse(parts[1], out var last) && 1024 <= first && first < last && last < 32768
            ? (first, last)
            : throw new InvalidOperationException($"TEST_LOOPBACK_PORTS is \"first-last\" below 32768 (Linux's ephemeral range), not '{range}'.");
    }
}
