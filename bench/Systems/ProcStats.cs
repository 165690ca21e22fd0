namespace FreedomCti.Bench.Systems;

/// <summary>CPU time and resident memory of processes, read from /proc (Linux only; every figure the bench reports comes from here).</summary>
public static class ProcStats
{
    // USER_HZ is 100 on every Linux this runs on; /proc/<pid>/stat reports utime and stime in those ticks.
    private const double TicksPerSecond = 100.0;

    /// <summary>utime+stime in microseconds; 0 for a process that is gone.</summary>
    public static long CpuMicros(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start past the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return (long)(ticks * 1_000_000 / TicksPerSecond);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static long CpuMicros(IEnumerable<int> pids) => pids.Sum(CpuMicros);

    /// <summary>VmRSS in bytes.</summary>
    public static long RssBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    public static long RssBytes(IEnumerable<int> pids) => pids.Sum(RssBytes);

    /// <summary>The direct children of a process (nginx workers under their master).</summary>
    public static int[] Children(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (IOException)
        {
            return [];
        }
    }
}
