namespace FreedomCti.Bench.Systems;

/// <summary>The machine's 1-minute load average: the noise a figure taken on a shared machine carries.</summary>
public static class LoadAverage
{
    public static double Now()
    {
        var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : "";
        return double.TryParse(text.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load) ? load : double.NaN;
    }
}
