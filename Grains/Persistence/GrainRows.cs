using Orleans.Storage;

namespace FreedomCti.Presence.Persistence;

/// <summary>
/// One grain's rows in one grain storage provider, each under its own state name, with the ETag each row was last read
/// or written with (optimistic concurrency per row, as Orleans does for a single state).
/// </summary>
/// <remarks>
/// Azure Table grain storage keys a row by ("{ServiceId}_{grainId}", state name), so all rows of a grain share one
/// partition; memory storage keys them by (state name, grain id). A row never read nor written here is created by a
/// write (no ETag); writers name new rows so that they should not exist yet (see <see cref="ChunkLayout"/>), and one that
/// does (an orphan of an interrupted write) is taken over.
/// </remarks>
internal sealed class GrainRows(IGrainStorage storage, GrainId grainId)
{
    private readonly Dictionary<string, string?> _etags = new(StringComparer.Ordinal);

    /// <summary>The row's value, or null when it does not exist.</summary>
    public async Task<T?> ReadAsync<T>(string name) where T : class
    {
        var state = new GrainState<T>();
        await storage.ReadStateAsync(name, grainId, state);
        _etags[name] = state.ETag;
        return state.RecordExists ? state.State : null;
    }

    public async Task WriteAsync<T>(string name, T value) where T : class
    {
        var known = _etags.TryGetValue(name, out var etag);
        var state = new GrainState<T>(value, etag) { RecordExists = etag is not null };
        try
        {
            await storage.WriteStateAsync(name, grainId, state);
        }
        catch (InconsistentStateException) when (!known)
        {
            // A row this activation never saw is there already: left by a write that failed before a header named it
            // (an abandoned layout, an interrupted move from the old layout). Nothing reads it, so take it over.
            await ReadAsync<T>(name);
            state = new GrainState<T>(value, _etags[name]) { RecordExists = true };
            await storage.WriteStateAsync(name, grainId, state);
        }
        _etags[name] = state.ETag;
    }

    /// <summary>Removes the row; reads it first when its ETag is not known. Nothing happens for a row that does not exist.</summary>
    public async Task DeleteAsync<T>(string name) where T : class
    {
        if (!_etags.TryGetValue(name, out var etag))
        {
            await ReadAsync<T>(name);
            etag = _etags[name];
        }
        if (etag is null) return;
        var state = new GrainState<T>(null!, etag) { RecordExists = true };
        await storage.ClearStateAsync(name, grainId, state);
        // Null once deleted; a provider that clears instead of deleting answers the emptied row's ETag.
        _etags[name] = state.ETag;
    }

}
