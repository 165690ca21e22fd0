namespace FreedomCti.Presence.Tests;

/// <summary>Waits for a condition with a bound, instead of sleeping and hoping (linked into every test project).</summary>
public static class Poll
{
    /// <summary>The bound when a test names none (also a bound for single grain calls in the grain tests).</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    /// <summary>Whether <paramref name="condition"/> became true within <paramref name="timeout"/> (<see cref="Timeout"/> unless given).</summary>
    public static async Task<bool> TryUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, int intervalMs = 50)
    {
        var bound = timeout ?? Timeout;
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (await condition().WaitAsync(bound)) return true;
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(intervalMs);
        }
    }

    public static Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, int intervalMs = 50) =>
        UntilAsync(condition, timeout, () => what, intervalMs);

    /// <summary>As above; <paramref name="what"/> is rendered only on timeout (e.g. to include a process's latest output).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> what, int intervalMs = 50)
    {
        if (!await TryUntilAsync(condition, timeout, intervalMs)) throw new TimeoutException($"Timed out after {timeout} waiting for {what()}.");
    }

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, int intervalMs = 50) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, intervalMs);

    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what, int intervalMs = 50) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, intervalMs);
}
