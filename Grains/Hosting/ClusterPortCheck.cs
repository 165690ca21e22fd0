using System.Net;
using System.Net.Sockets;

namespace FreedomCti.Presence.Hosting;

/// <summary>
/// Fails the start of a silo (standalone or co-hosted by a gateway) whose silo or gateway port another process
/// already listens on. Orleans binds its listeners with <c>SocketOptionName.ReuseAddress</c>, which .NET on Linux
/// turns into SO_REUSEPORT as well: a second silo on the same ports starts without an error, and the kernel then
/// deals connections between the two processes.
/// </summary>
public static class ClusterPortCheck
{
    public static void EnsureFree(PresenceClusterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Where Orleans will listen (PresenceClusterHosting): loopback for localhost clustering, every interface otherwise.
        var address = options.Clustering == ClusteringProvider.Localhost ? IPAddress.Loopback : IPAddress.Any;
        EnsureFree(address, options.SiloPort, "Cluster:SiloPort");
        EnsureFree(address, options.GatewayPort, "Cluster:GatewayPort");
    }

    private static void EnsureFree(IPAddress address, int port, string setting)
    {
        if (port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort) return; // not a port at all: PresenceClusterOptionsValidator says so
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        AllowTimeWait(probe);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new InvalidOperationException(
                $"{setting} {port} is already in use by another process (another silo, or a gateway with its co-hosted silo?); " +
                $"stop it, or start this one on other ports: --{setting}=<a free port>.", ex);
        }
    }

    /// <summary>
    /// SO_REUSEADDR alone, as a raw option: a port left in TIME_WAIT by a process that just stopped (a restart) is free
    /// to bind, a port another socket listens on is not. .NET's ReuseAddress would add SO_REUSEPORT on Linux and let
    /// the probe bind beside the very listener it looks for. Windows refuses a listened port without any option.
    /// </summary>
    private static void AllowTimeWait(Socket socket)
    {
        if (OperatingSystem.IsLinux()) socket.SetRawSocketOption(1 /* SOL_SOCKET */, 2 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
        else if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()) socket.SetRawSocketOption(0xffff /* SOL_SOCKET */, 0x4 /* SO_REUSEADDR */, BitConverter.GetBytes(1));
    }
}
