using System.Net;
using System.Net.Sockets;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Loopback ports for servers a test starts. Taken below Linux's ephemeral range (32768–60999): a port the kernel
/// hands out as "free" from that range can be taken by any outgoing connection before the server binds it, which
/// under load (thousands of test sockets) happens often enough to fail a run.
/// </summary>
public static class LoopbackPorts
{
    private const int First = 20000;
    private const int Last = 32000;
    private static readonly HashSet<int> HandedOut = [];

    public static int Next()
    {
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(First, Last);
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
        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }
}
