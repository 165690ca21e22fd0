using System.Globalization;
using System.Text.RegularExpressions;

namespace FreedomCti.Presence.Cluster.Tests.Infrastructure;

/// <summary>
/// Reads a silo's storage counters (meter FreedomCti.Presence.Storage) from its /metrics, to measure what one REST call
/// costs in storage operations and bytes, per grain and row kind.
/// </summary>
public static partial class StorageMeter
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Counter values keyed "operations|grain|state|operation" and "bytes|grain|state|operation".</summary>
    public sealed record Reading(IReadOnlyDictionary<string, double> Values)
    {
        public double Get(string counter, string grain, string? state = null, string? operation = null) =>
            Values.Where(v =>
            {
                var p = v.Key.Split('|');
                return p[0] == counter && p[1] == grain && (state is null || p[2] == state) && (operation is null || p[3] == operation);
            }).Sum(v => v.Value);

        /// <summary>What happened between <paramref name="before"/> and this reading.</summary>
        public Reading Minus(Reading before) =>
            new(Values.ToDictionary(v => v.Key, v => v.Value - before.Values.GetValueOrDefault(v.Key)));

        /// <summary>"2 writes (header 1, members 1), 19,230 B written; 0 reads" for one grain type.</summary>
        public string Describe(string grain)
        {
            string Part(string operation)
            {
                var byState = Values.Where(v => v.Key.StartsWith($"operations|{grain}|", StringComparison.Ordinal) && v.Key.EndsWith($"|{operation}", StringComparison.Ordinal) && v.Value > 0)
                    .Select(v => $"{v.Key.Split('|')[2]} {v.Value:N0}");
                return $"{Get("operations", grain, operation: operation):N0} {operation}s ({string.Join(", ", byState)})";
            }
            return $"{Part("write")}, {Get("bytes", grain, operation: "write"):N0} B written; {Part("read")}, {Get("bytes", grain, operation: "read"):N0} B read; {Part("delete")}";
        }
    }

    /// <summary>
    /// The counters once two scrapes in a row agree on those of <paramref name="grain"/>: the exporter caches an answer
    /// for a moment, and the call being measured has returned before this is called, so a stable reading includes all of
    /// it (other grains' counters may still move, e.g. a large group reading its members in the background).
    /// </summary>
    public static async Task<Reading> ReadAsync(GridNode silo, string grain = "group")
    {
        Reading? last = null;
        Reading? stable = null;
        await Poll.UntilAsync(async () =>
        {
            var now = Parse(await Http.GetStringAsync(new Uri(silo.Management, "/metrics")));
            var mine = now.Values.Where(v => v.Key.Split('|')[1] == grain).ToList();
            var same = last is not null && mine.All(v => last.Values.TryGetValue(v.Key, out var was) && was == v.Value)
                && last.Values.Count(v => v.Key.Split('|')[1] == grain) == mine.Count;
            last = now;
            if (same) stable = now;
            return same;
        }, TimeSpan.FromSeconds(30), $"{silo.Name}'s storage counters to settle", intervalMs: 400);
        return stable!;
    }

    public static Reading Parse(string metrics)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Line().Matches(metrics))
        {
            var labels = Label().Matches(m.Groups["labels"].Value).ToDictionary(l => l.Groups["k"].Value, l => l.Groups["v"].Value);
            var key = $"{m.Groups["name"].Value}|{labels.GetValueOrDefault("grain")}|{labels.GetValueOrDefault("state")}|{labels.GetValueOrDefault("operation")}";
            values[key] = values.GetValueOrDefault(key) + double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return new Reading(values);
    }

    [GeneratedRegex(@"^presence_storage_(?<name>operations|bytes)(_bytes)?_total\{(?<labels>[^}]*)\} (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Line();

    [GeneratedRegex(@"(?<k>\w+)=""(?<v>[^""]*)""")]
    private static partial Regex Label();
}
