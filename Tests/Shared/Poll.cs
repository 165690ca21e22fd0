namespace FreedomCti.Presence.Tests;

/// <summary>Waits for a condition with a bound, instead of sleeping and hoping (shared by the process-level test projects).</summary>
public static class Poll
{
    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, int intervalMs = 50) =>
        UntilAsync(condition, timeout, () => what, intervalMs);

    /// <summary>As above; <paramref name="what"/> is rendered only on timeout (e.g. to include a process's latest output).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, int intervalMs = 50)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
            await Task.Delay(intervalMs);
        }
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, int intervalMs = 50) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, intervalMs);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, int intervalMs = 50) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, intervalMs);
}
