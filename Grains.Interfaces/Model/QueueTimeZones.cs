using System.Collections.Concurrent;

namespace FreedomCti.Presence;

/// <summary>The organisation's time zone by IANA id: where a queue's "today" starts.</summary>
/// <remarks>
/// Resolved once per id and cached: a dequeue renders today's figures and must not look a zone up each time. The
/// gateway refuses an id it cannot resolve, so the UTC fallback is for ids a host stopped knowing (an older tzdata).
/// </remarks>
public static class QueueTimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Known = new(StringComparer.Ordinal);

    /// <summary>The zone of <paramref name="id"/>; null when this host does not know it.</summary>
    public static TimeZoneInfo? TryFind(string? id)
    {
        if (string.IsNullOrWhiteSpace(id)) return null;
        return Known.GetOrAdd(id, static key =>
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(key);
            }
            catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
            {
                return null;
            }
        });
    }

    /// <summary>The zone of <paramref name="id"/>, or UTC when it is unknown here.</summary>
    public static TimeZoneInfo Find(string? id) => TryFind(id) ?? TimeZoneInfo.Utc;
}
