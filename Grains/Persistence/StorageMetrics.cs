using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace FreedomCti.Presence.Persistence;

/// <summary>
/// Storage operations and bytes of the presence grains (meter "FreedomCti.Presence.Storage"), by grain type and row
/// kind, also readable as plain totals (tests and the footprint harness read them).
/// </summary>
/// <remarks>
/// Tags: <c>grain</c> (group, organisation, user, importjob, …), <c>state</c> (the row kind: header, queue, members,
/// catalogue, job, input, or "state" for single-row grains) and <c>operation</c> (read, write, delete). Bytes are what
/// the storage serializer produced or consumed, i.e. the payload of the Azure Table entity.
/// </remarks>
public sealed class StorageMetrics : IDisposable
{
    public const string MeterName = "FreedomCti.Presence.Storage";

    private static readonly AsyncLocal<(string Grain, string State)?> CurrentRow = new();

    private readonly Meter _meter;
    private readonly Counter<long> _operations;
    private readonly Counter<long> _bytes;
    private readonly Histogram<double> _duration;
    private long _operationsTotal;
    private long _bytesWritten;
    private long _bytesRead;

    public StorageMetrics(IMeterFactory? meters = null)
    {
        _meter = meters?.Create(MeterName) ?? new Meter(MeterName);
        _operations = _meter.CreateCounter<long>("presence.storage.operations", description: "Grain storage operations (rows read, written or deleted), by grain, state and operation.");
        _bytes = _meter.CreateCounter<long>("presence.storage.bytes", "By", "Bytes of grain state written to or read from storage, by grain, state and operation.");
        _duration = _meter.CreateHistogram<double>("presence.storage.duration", "ms", "Time of one grain storage operation, by grain, state and operation.");
    }

    public long Operations => Interlocked.Read(ref _operationsTotal);
    public long BytesWritten => Interlocked.Read(ref _bytesWritten);
    public long BytesRead => Interlocked.Read(ref _bytesRead);

    /// <summary>The row kind of a state name: "members.4294967297.3" → "members".</summary>
    public static string KindOf(string stateName)
    {
        var dot = stateName.IndexOf('.');
        return dot < 0 ? stateName : stateName[..dot];
    }

    /// <summary>Marks the row an operation is for, so that the serializer it calls can count its bytes against it.</summary>
    internal static void Enter(string grain, string state) => CurrentRow.Value = (grain, state);

    internal void Operation(string grain, string state, string operation, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _operationsTotal);
        var tags = Tags(grain, state, operation);
        _operations.Add(1, tags);
        _duration.Record(elapsed.TotalMilliseconds, tags);
    }

    internal void Bytes(string operation, long count)
    {
        var (grain, state) = CurrentRow.Value ?? ("other", "other");
        Interlocked.Add(ref operation == "write" ? ref _bytesWritten : ref _bytesRead, count);
        _bytes.Add(count, Tags(grain, state, operation));
    }

    private static TagList Tags(string grain, string state, string operation) =>
        new() { { "grain", grain }, { "state", state }, { "operation", operation } };

    public void Dispose() => _meter.Dispose();
}
