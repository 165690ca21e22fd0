namespace FreedomCti.Presence;

/// <summary>Runs an async body over many items with a cap on how many are in flight.</summary>
/// <remarks>
/// Unlike Parallel.ForEachAsync this stays on the calling grain's scheduler (it only awaits), so grain calls keep
/// their call context. The cap keeps a 10,000-user import from flooding the silo with requests at once.
/// </remarks>
internal static class Bounded
{
    public static async Task<TResult[]> SelectAsync<T, TResult>(IReadOnlyList<T> items, int maxInFlight, Func<T, Task<TResult>> body)
    {
        var results = new TResult[items.Count];
        var next = -1;
        async Task Worker()
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < items.Count)
            {
                results[i] = await body(items[i]);
            }
        }
        await Task.WhenAll(Enumerable.Range(0, Math.Min(maxInFlight, items.Count)).Select(_ => Worker()));
        return results;
    }

    public static Task ForEachAsync<T>(IReadOnlyList<T> items, int maxInFlight, Func<T, Task> body) =>
        SelectAsync(items, maxInFlight, async item =>
        {
            await body(item);
            return true;
        });
}
