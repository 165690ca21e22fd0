using System.Collections.Immutable;

namespace FreedomCti.Presence.Gateway.Demo;

/// <summary>
/// The demo tenant of the spec's examples: org-12345, user-67890, and group-sales-team "Sales Team" with twelve
/// members (5 available, 2 busy, 3 on a call, 1 away, 1 offline) and three calls waiting.
/// </summary>
public sealed class DemoTenant(IClusterClient grains, TimeProvider clock, IHostApplicationLifetime lifetime, DemoSeedGate gate, ILogger<DemoTenant> logger)
    : BackgroundService
{
    public const string OrgId = "org-12345";
    public const string GroupId = "group-sales-team";

    private static readonly (string Id, string Name, string Ext, PresenceStatus Status)[] Members =
    [
        ("user-001", "John Smith", "1001", PresenceStatus.Available),
        ("user-002", "Jane Doe", "1002", PresenceStatus.OnCall),
        ("user-003", "Carlos Diaz", "1003", PresenceStatus.Available),
        ("user-004", "Priya Patel", "1004", PresenceStatus.Available),
        ("user-005", "Tom Becker", "1005", PresenceStatus.Available),
        ("user-006", "Aiko Tanaka", "1006", PresenceStatus.Available),
        ("user-007", "Liam Byrne", "1007", PresenceStatus.Busy),
        ("user-008", "Fatima Khan", "1008", PresenceStatus.Busy),
        ("user-009", "Noah Williams", "1009", PresenceStatus.OnCall),
        ("user-010", "Emma Rossi", "1010", PresenceStatus.OnCall),
        ("user-011", "Lucas Martin", "1011", PresenceStatus.Away),
        ("user-012", "Sofia Garcia", "1012", PresenceStatus.Offline),
    ];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The co-hosted silo is up once the host has started.
            await WhenStartedAsync(stoppingToken);
            for (var attempt = 1; attempt <= 30 && !stoppingToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await SeedAsync();
                    GatewayLog.DemoTenantReady(logger, OrgId);
                    return;
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    GatewayLog.DemoTenantRetry(logger, attempt, ex);
                    await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
                }
            }
        }
        finally
        {
            gate.Open(); // seeded, or given up: either way stop answering 503 (DemoSeedGate.cs)
        }
    }

    private Task WhenStartedAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        return started.Task.WaitAsync(stoppingToken);
    }

    /// <summary>Idempotent: an existing tenant (cluster mode, durable storage) is left as it is.</summary>
    private async Task SeedAsync()
    {
        var org = grains.GetGrain<IOrganisationGrain>(OrgId);
        if (await org.GetAsync() is not null) return;

        var users = Members.Select(m => new ImportedUser(m.Id, new UserProfile(m.Name, m.Ext, Capabilities.Default)))
            .Append(new ImportedUser("user-67890", new UserProfile("Alex Morgan", "1000", Capabilities.Default)))
            .ToImmutableArray();
        var group = new ImportedGroup(GroupId, "Sales Team", [.. Members.Select(m => m.Id)]);
        var directory = grains.GetGrain<IDirectoryGrain>(OrgId);
        var result = await directory.ImportAsync(new DirectoryImport(users, [group]));
        if (result.Outcome != DirectoryOutcome.Done) throw new InvalidOperationException($"Demo import failed: {result.Outcome}");

        var now = clock.GetUtcNow();
        foreach (var (id, _, _, status) in Members)
        {
            var user = grains.GetGrain<IUserGrain>(PresenceIds.Key(OrgId, id));
            if (status == PresenceStatus.OnCall)
            {
                await user.SetPresenceAsync(new PresenceChange(PresenceStatus.Available, null));
                await user.StartCallAsync(new ActiveCall($"demo-{id}", CallDirection.Inbound, "+44 20 7946 0000", now.AddSeconds(-145)));
            }
            else if (status != PresenceStatus.Offline)
            {
                await user.SetPresenceAsync(new PresenceChange(status, null));
            }
        }
        await grains.GetGrain<IUserGrain>(PresenceIds.Key(OrgId, "user-67890"))
            .SetPresenceAsync(new PresenceChange(PresenceStatus.Available, "Ready to take calls"));

        var queue = grains.GetGrain<IGroupGrain>(PresenceIds.Key(OrgId, GroupId));
        for (var i = 1; i <= 3; i++) await queue.EnqueueCallAsync($"demo-queued-{i}");

        // Created last: while the organisation does not exist the seed is not done, so a failed attempt is retried whole.
        // With presence sessions on (default timings), so agents' desktops can be tried against the demo (docs/presence-sessions.md).
        await org.UpsertAsync("Example Contact Centre", OrganisationSettings.Default with { Sessions = SessionPolicy.DefaultEnabled });
    }
}

/// <summary>Registers the demo tenant when Demo:Seed is true (the default run), and its activity (Demo/DemoActivity.cs).</summary>
public static class DemoTenantExtensions
{
    public static WebApplicationBuilder AddDemoTenant(this WebApplicationBuilder builder)
    {
        if (!builder.Configuration.GetValue("Demo:Seed", false)) return builder;
        builder.Services.AddSingleton<DemoSeedGate>();
        builder.Services.AddTransient<IStartupFilter, DemoSeedGateFilter>(); // 503 on /organisation until seeded
        builder.Services.AddHostedService<DemoTenant>();
        builder.Services.AddHostedService<DemoActivity>(); // decides at start whether it runs (Demo:Activity)
        return builder;
    }
}
