using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FreedomCti.Bench.Load;

/// <summary>One received frame: which socket, what it said, and when (Stopwatch ticks: CLOCK_MONOTONIC, shared by every process).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 1)]
public struct Arrival
{
    public long Ticks;
    public long Seq;
    public int Socket;
    public int User;
    public int Bytes;
    /// <summary>The group a frame names (the number its id ends in), -1 for none (FrameHeader).</summary>
    public int Topic;
    public FrameKind Kind;
    public byte Status;
}

/// <summary>A preallocated, lock-free append log of arrivals; bounded, so a runaway server cannot exhaust the load generator.</summary>
public sealed class ArrivalLog(int capacity)
{
    private readonly Arrival[] _entries = new Arrival[capacity];
    private int _count;
    private long _overflow;
    private long _total;
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);

    public long Total => Interlocked.Read(ref _total);
    public long Overflow => Interlocked.Read(ref _overflow);

    /// <summary>When set, every arrival releases the signal (used by the closed-loop probe, never by the bulk sets).</summary>
    public bool Signals { get; init; }

    public FrameKind Add(int socket, ReadOnlySpan<byte> frame)
    {
        var ticks = Stopwatch.GetTimestamp();
        var (kind, seq, user, status, topic) = FrameHeader.Parse(frame);
        Interlocked.Increment(ref _total);
        var slot = Interlocked.Increment(ref _count) - 1;
        if (slot >= _entries.Length)
        {
            Interlocked.Increment(ref _overflow);
        }
        else
        {
            _entries[slot] = new Arrival { Ticks = ticks, Seq = seq, Socket = socket, User = user, Bytes = frame.Length, Topic = topic, Kind = kind, Status = status };
        }
        if (Signals) _signal.Release();
        return kind;
    }

    /// <summary>Waits until <see cref="Total"/> reaches <paramref name="target"/>; false on timeout.</summary>
    public async Task<bool> WaitForTotalAsync(long target, TimeSpan bound)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(bound.TotalSeconds * Stopwatch.Frequency);
        while (Total < target)
        {
            var left = deadline - Stopwatch.GetTimestamp();
            if (left <= 0) return false;
            await _signal.WaitAsync(TimeSpan.FromSeconds(left / (double)Stopwatch.Frequency));
        }
        return true;
    }

    /// <summary>Takes everything logged so far and starts afresh; call only while no frames are expected.</summary>
    public Arrival[] Drain()
    {
        var n = Math.Min(Volatile.Read(ref _count), _entries.Length);
        var copy = _entries.AsSpan(0, n).ToArray();
        Volatile.Write(ref _count, 0);
        return copy;
    }

    public static void Write(string path, Arrival[] arrivals)
    {
        using var file = File.Create(path);
        file.Write(MemoryMarshal.AsBytes(arrivals.AsSpan()));
    }

    public static Arrival[] Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return MemoryMarshal.Cast<byte, Arrival>(bytes).ToArray();
    }
}
