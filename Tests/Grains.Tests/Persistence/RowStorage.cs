using FreedomCti.Presence.Persistence;
using Orleans.Storage;

namespace FreedomCti.Presence.Tests.Persistence;

/// <summary>
/// Grain storage in a dictionary with ETags like Azure Tables' (a create fails on an existing row, an update on a
/// changed one), serializing with the serializer the real provider uses, counting rows and bytes, and able to fail a
/// chosen write to test what a crash midway leaves behind.
/// </summary>
internal sealed class RowStorage(IGrainStorageSerializer? serializer = null) : IGrainStorage
{
    private readonly IGrainStorageSerializer _serializer = serializer ?? new CompactJsonStorageSerializer();
    private readonly Dictionary<string, (BinaryData Data, string ETag)> _rows = new(StringComparer.Ordinal);
    private int _etag;

    /// <summary>Writes so far; a write whose number (from 1) this returns true for throws instead.</summary>
    public Func<int, string, bool> FailWrite { get; set; } = (_, _) => false;

    public int Writes { get; private set; }
    public int Reads { get; private set; }
    public int Deletes { get; private set; }
    public long BytesWritten { get; private set; }
    public List<string> Written { get; } = [];

    public IReadOnlyCollection<string> RowNames { get { lock (_rows) return [.. _rows.Keys.Select(k => k[(k.IndexOf('|') + 1)..])]; } }

    public int LargestRow { get { lock (_rows) return _rows.Values.Select(r => r.Data.ToMemory().Length).DefaultIfEmpty().Max(); } }

    public void ResetCounts()
    {
        (Writes, Reads, Deletes, BytesWritten) = (0, 0, 0, 0);
        Written.Clear();
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_rows)
        {
            Reads++;
            if (_rows.TryGetValue(Key(stateName, grainId), out var row))
            {
                grainState.State = _serializer.Deserialize<T>(row.Data)!;
                grainState.ETag = row.ETag;
                grainState.RecordExists = true;
            }
            else
            {
                grainState.State = Activator.CreateInstance<T>();
                grainState.ETag = null;
                grainState.RecordExists = false;
            }
        }
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_rows)
        {
            Writes++;
            if (FailWrite(Writes, stateName)) throw new IOException($"Injected failure of write {Writes} ({stateName}).");
            var key = Key(stateName, grainId);
            var exists = _rows.TryGetValue(key, out var row);
            if (grainState.ETag is null ? exists : !exists || row.ETag != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch on {stateName}.", row.ETag ?? "", grainState.ETag ?? "");
            }
            var data = _serializer.Serialize(grainState.State);
            BytesWritten += data.ToMemory().Length;
            Written.Add(stateName);
            grainState.ETag = $"e{++_etag}";
            grainState.RecordExists = true;
            _rows[key] = (data, grainState.ETag);
        }
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        lock (_rows)
        {
            Deletes++;
            var key = Key(stateName, grainId);
            if (!_rows.TryGetValue(key, out var row) || row.ETag != grainState.ETag)
            {
                throw new InconsistentStateException($"ETag mismatch deleting {stateName}.", row.ETag ?? "", grainState.ETag ?? "");
            }
            _rows.Remove(key);
            grainState.ETag = null;
            grainState.RecordExists = false;
        }
        return Task.CompletedTask;
    }

    /// <summary>Puts a row as an earlier version would have stored it.</summary>
    public void Seed<T>(string stateName, GrainId grainId, T value)
    {
        lock (_rows) _rows[Key(stateName, grainId)] = (_serializer.Serialize(value), $"e{++_etag}");
    }

    private static string Key(string stateName, GrainId grainId) => $"{grainId}|{stateName}";
}
