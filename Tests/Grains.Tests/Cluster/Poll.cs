namespace FreedomCti.Presence.Tests.Cluster;

/// <summary>Deadline-bounded polling for conditions that become true asynchronously (stream deliveries).</summary>
public static class Poll
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    public static async Task<bool> TryUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (true)
        {
            if (await condition().WaitAsync(Timeout))
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(Interval);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null) =>
        Assert.True(await TryUntilAsync(condition, timeout), because);
}
