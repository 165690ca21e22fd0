using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace FreedomCti.Presence.Tests.Infrastructure;

/// <summary>
/// The gateway (co-hosted silo, real Kestrel) on a fake clock: leases, grace periods, idle thresholds, debounce windows
/// and token expiries run out when a test moves <see cref="Clock"/> on, not after real seconds.
/// </summary>
/// <remarks>
/// <para>
/// The <see cref="FakeTimeProvider"/> is the process's <see cref="TimeProvider"/>, so the grains (their <c>Now</c> and
/// their grain timers, which Orleans drives by the same clock) and the gateway's own services (socket-session renewals,
/// socket token expiry, audits, lingers, write deadlines) all read it. Orleans' own background areas (membership,
/// messaging timeouts, activation collection, reminders) stay on real time: moving the fake clock does not run them.
/// </para>
/// <para>
/// It starts at the real time, so tokens (whose expiry the JWT library checks against the real clock) agree with it;
/// a test moves it on by seconds only. Move it only while no REST write is in flight: a write's deadline
/// (Api:WriteTimeout) is on this clock too. A session reminder still fires on real time, a minute apart, and
/// evaluates at the fake time: it only settles what is already due.
/// </para>
/// </remarks>
public sealed class FakeClockGatewayHost : GatewayHost
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override bool SeedsDemo => false;

    /// <summary>
    /// Moves the fake clock up to the real time if it is behind (it only moves forward), so that a token minted now
    /// and checked by the JWT library against the real clock is timed alike on the fake one.
    /// </summary>
    public void CatchUpWithRealTime()
    {
        var real = DateTimeOffset.UtcNow;
        if (Clock.GetUtcNow() < real) Clock.SetUtcNow(real);
    }

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(Clock);
        services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
    }
}

[CollectionDefinition(Name)]
public sealed class FakeClockGatewayCollection : ICollectionFixture<FakeClockGatewayHost>
{
    public const string Name = "gateway on a fake clock";
}
