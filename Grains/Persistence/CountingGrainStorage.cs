using System.Diagnostics;
using Orleans.Storage;

namespace FreedomCti.Presence.Persistence;

/// <summary>Counts every operation of a grain storage provider in <see cref="StorageMetrics"/>; otherwise passes straight through.</summary>
internal sealed class CountingGrainStorage(IGrainStorage inner, StorageMetrics metrics) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        CountAsync(stateName, grainId, "read", () => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        CountAsync(stateName, grainId, "write", () => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        CountAsync(stateName, grainId, "delete", () => inner.ClearStateAsync(stateName, grainId, grainState));

    /// <summary>Azure Table storage creates its table in the silo lifecycle: the decorator must pass that on.</summary>
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);

    private async Task CountAsync(string stateName, GrainId grainId, string operation, Func<Task> run)
    {
        var grain = grainId.Type.ToString() ?? "other";
        var state = StorageMetrics.KindOf(stateName);
        // Set in this async method, so it flows into the provider (and its serializer) but not back to the caller.
        StorageMetrics.Enter(grain, state);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await run();
        }
        finally
        {
            metrics.Operation(grain, state, operation, Stopwatch.GetElapsedTime(started));
        }
    }
}

/// <summary>Counts the bytes a storage serializer produces and consumes, against the row the current operation is for.</summary>
internal sealed class CountingStorageSerializer(IGrainStorageSerializer inner, StorageMetrics metrics) : IGrainStorageSerializer
{
    public BinaryData Serialize<T>(T? input)
    {
        var data = inner.Serialize(input);
        metrics.Bytes("write", data.ToMemory().Length);
        return data;
    }

    public T? Deserialize<T>(BinaryData input)
    {
        metrics.Bytes("read", input.ToMemory().Length);
        return inner.Deserialize<T>(input);
    }
}
