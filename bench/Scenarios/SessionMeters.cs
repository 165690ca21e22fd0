using System.Globalization;
using System.Text.RegularExpressions;

namespace FreedomCti.Bench.Scenarios;

/// <summary>
/// The counters the sessions scenario reads from the gateway's /metrics (Prometheus text): totals by metric name,
/// storage operations and bytes by operation (read, write, delete), and holder checks by what answered them (cache,
/// lease_grain). A counter not yet exported reads as 0 (labelled counters and the grains' plain counters appear with
/// their first event).
/// </summary>
public sealed partial record SessionMeters(IReadOnlyDictionary<string, double> Values)
{
    /// <summary>Per-session calls the gateway made for in-band sessions (re-opens after its lease lapsed; none in steady state).</summary>
    public const string GatewayRenewals = "presence_gateway_session_renewals_total";
    /// <summary>Renewals of the gateway's own lease, which keeps all its in-band sessions.</summary>
    public const string GatewayLeaseRenewals = "presence_gateway_lease_renewals_total";
    public const string HolderChecks = "presence_grains_session_holder_checks_total";
    public const string GrainRenewals = "presence_grains_session_renewals_total";
    public const string ReminderTicks = "presence_grains_session_sweeps_total";
    public const string DeadlineTimers = "presence_grains_session_deadlines_total";

    public double Get(string name) => Values.GetValueOrDefault(name);

    /// <summary>Storage operations of one kind (read, write, delete), every grain type and row kind.</summary>
    public double StorageOperations(string operation) => Values.GetValueOrDefault($"presence_storage_operations_total|{operation}");

    public double StorageBytes(string operation) => Values.GetValueOrDefault($"presence_storage_bytes_total|{operation}");

    /// <summary>Checks of in-band sessions' gateway leases answered by <paramref name="answeredBy"/> (cache or lease_grain).</summary>
    public double HolderChecksAnsweredBy(string answeredBy) => Values.GetValueOrDefault($"{HolderChecks}|{answeredBy}");

    public SessionMeters Minus(SessionMeters before) =>
        new(Values.ToDictionary(v => v.Key, v => v.Value - before.Values.GetValueOrDefault(v.Key)));

    public static SessionMeters Parse(string metrics)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (Match m in Line().Matches(metrics))
        {
            var name = m.Groups["name"].Value + "_total";
            var value = double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            values[name] = values.GetValueOrDefault(name) + value;
            if (Operation().Match(m.Groups["labels"].Value) is { Success: true } op)
            {
                var key = $"{name}|{op.Groups["op"].Value}";
                values[key] = values.GetValueOrDefault(key) + value;
            }
        }
        return new SessionMeters(values);
    }

    // The storage bytes counter has unit "By": the exporter names it presence_storage_bytes_bytes_total; folded into one name here.
    [GeneratedRegex(@"^(?<name>presence_[a-z_]+?)(?:_bytes)?_total(?:\{(?<labels>[^}]*)\})? (?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex Line();

    [GeneratedRegex(@"(?:operation|answered_by)=""(?<op>[^""]*)""")]
    private static partial Regex Operation();
}
