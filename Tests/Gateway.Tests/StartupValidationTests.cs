using FreedomCti.Presence.Tests.Infrastructure;

namespace FreedomCti.Presence.Tests;

/// <summary>
/// Each configuration rule checked at start (options validators, the management port): a gateway built the way
/// Program.cs builds it, with one bad setting, refuses to start and names the key. Cluster.Tests runs a few of them
/// as real processes, and the silo's own.
/// </summary>
public sealed class StartupValidationTests
{
    [Theory]
    [InlineData("Gateway:DrainDelay", "--Gateway:DrainDelay=00:00:20", "--Gateway:ShutdownTimeout=00:00:20")]
    [InlineData("Gateway:TransientRetryMin", "--Gateway:TransientRetryMin=00:00:06", "--Gateway:TransientRetryMax=00:00:05")]
    [InlineData("Gateway:SendQueueCapacity", "--Gateway:SendQueueCapacity=0")]
    [InlineData("Gateway:MultiplexedQueueCapacity", "--Gateway:MultiplexedQueueCapacity=0")]
    [InlineData("Limits:MaxTopicsPerSocket", "--Limits:MaxTopicsPerSocket=0")]
    [InlineData("Gateway:MaxMessageBytes", "--Gateway:MaxMessageBytes=16")]
    [InlineData("Gateway:KeepAliveInterval", "--Gateway:KeepAliveInterval=00:00:00")]
    [InlineData("Gateway:TopicLinger", "--Gateway:TopicLinger=-00:00:01")]
    [InlineData("Gateway:WatchLease", "--Gateway:WatchLease=00:00:02", "--Gateway:AuditInterval=00:00:01")]
    [InlineData("Gateway:ReorderWindow", "--Gateway:ReorderWindow=-00:00:01")]
    [InlineData("Gateway:SiloCheckInterval", "--Gateway:SiloCheckInterval=00:00:00")]
    [InlineData("Gateway:RewatchConcurrency", "--Gateway:RewatchConcurrency=0")]
    [InlineData("Gateway:ResumeRingSize", "--Gateway:ResumeRingSize=-1")]
    [InlineData("Api:WriteTimeout", "--Api:WriteTimeout=00:00:00")]
    [InlineData("Api:RetryAfterSeconds", "--Api:RetryAfterSeconds=-1")]
    [InlineData("Limits:ConnectionLeaseTime", "--Limits:ConnectionLeaseTime=00:00:00.500")]
    [InlineData("Limits:MaxConnectionsPerUser", "--Limits:MaxConnectionsPerUser=0")]
    [InlineData("Limits:MessagesPerSecond", "--Limits:MessagesPerSecond=0")]
    [InlineData("Limits:HandshakeBurstPerAddress", "--Limits:HandshakeBurstPerAddress=5", "--Limits:HandshakesPerSecondPerAddress=10")]
    [InlineData("Limits:MaxRequestBodyBytes", "--Limits:MaxRequestBodyBytes=10")]
    [InlineData("Limits:TrustedProxyNetworks:0", "--Limits:TrustedProxyNetworks:0=the-ingress")]
    [InlineData("Limits:AllowedOrigins:0", "--Limits:AllowedOrigins:0=https://app.example.com/wallboard")]
    [InlineData("Auth:ClockSkew", "--Auth:ClockSkew=01:00:00")]
    [InlineData("Auth:Audience", "--Auth:Audience=")]
    [InlineData("Auth:DevTokenLifetime", "--Auth:DevTokenLifetime=00:00:00")]
    [InlineData("Auth:Authority", "--Auth:SigningKey=", "--Auth:Authority=http://login.example.com")]
    [InlineData("Cluster:GatewayPort", "--Cluster:GatewayPort=70000")]
    [InlineData("Cluster:SiloPort and Cluster:GatewayPort must differ", "--Cluster:SiloPort={port}", "--Cluster:GatewayPort={port}")]
    [InlineData("Cluster:AdvertisedIPAddress", "--Cluster:AdvertisedIPAddress=pod-ip")]
    [InlineData("Cluster:StorageConnectionString", "--Cluster:Storage=AzureStorage")]
    [InlineData("Cluster:ResponseTimeout", "--Cluster:ResponseTimeout=00:00:00")]
    [InlineData("Cluster:Membership:NumMissedProbesLimit", "--Cluster:Membership:NumMissedProbesLimit=0")]
    [InlineData("Cluster:Membership:DeathVoteExpirationTimeout", "--Cluster:Membership:ProbeTimeout=00:00:10", "--Cluster:Membership:DeathVoteExpirationTimeout=00:00:30")]
    [InlineData("Cluster:Membership:DefunctSiloExpiration", "--Cluster:Membership:DefunctSiloExpiration=00:01:00")]
    [InlineData("Management:Urls is not set", "--Management:Urls=")]
    [InlineData("Management:Urls 'http://127.0.0.1:0' needs a fixed port", "--Management:Urls=http://127.0.0.1:0")]
    [InlineData("Management:Urls uses port {port}, which Urls uses too", "--urls=http://127.0.0.1:{port}", "--Management:Urls=http://127.0.0.1:{port}")]
    public async Task ABadSetting_StopsTheStart_NamingTheKey(string expected, params string[] settings)
    {
        // "{port}" stands for one free port, where a case needs the same port twice.
        var port = LoopbackPorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var error = await StartFailureAsync([.. settings.Select(s => s.Replace("{port}", port))]);
        Assert.Contains(expected.Replace("{port}", port), error);
    }

    [Fact]
    public async Task TheDefaults_AndTheTestSettings_Start()
    {
        await using var app = GatewayHost.Build(FreeSiloPorts());
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
        await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Builds and starts a gateway with the settings; returns the failure's text (the build or the start must throw).</summary>
    private static async Task<string> StartFailureAsync(string[] settings)
    {
        try
        {
            await using var app = GatewayHost.Build([.. FreeSiloPorts(), .. settings]);
            await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            return ex.ToString();
        }
        throw new Xunit.Sdk.XunitException($"The gateway started with {string.Join(' ', settings)}.");
    }

    // Not the appsettings.json defaults (11111, 30000), which a developer's running gateway may hold.
    private static string[] FreeSiloPorts() =>
        [$"--Cluster:SiloPort={LoopbackPorts.Next()}", $"--Cluster:GatewayPort={LoopbackPorts.Next()}", $"--Cluster:ClusterId=validation-{Guid.NewGuid():N}"];
}
