using System.Globalization;

namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>The contract's timestamp format: ISO-8601, UTC, milliseconds, 'Z' (2024-01-15T10:30:00.000Z).</summary>
public static class WireTime
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToWire(this DateTimeOffset time) =>
        time.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Whole seconds from <paramref name="since"/> to <paramref name="now"/>, never negative.</summary>
    public static int SecondsSince(DateTimeOffset since, DateTimeOffset now) =>
        (int)Math.Max(0, Math.Floor((now - since).TotalSeconds));
}
