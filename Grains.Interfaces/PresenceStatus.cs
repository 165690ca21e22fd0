using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json.Serialization;

namespace FreedomCti.Presence;

/// <summary>The six presence states of the WebSocket contract; each member's wire name is written once, here.</summary>
[GenerateSerializer, Alias("fcti.PresenceStatus")]
public enum PresenceStatus
{
    [JsonStringEnumMemberName("offline")] Offline = 0,
    [JsonStringEnumMemberName("available")] Available = 1,
    [JsonStringEnumMemberName("busy")] Busy = 2,
    [JsonStringEnumMemberName("on_call")] OnCall = 3,
    [JsonStringEnumMemberName("away")] Away = 4,
    [JsonStringEnumMemberName("dnd")] Dnd = 5,
}

/// <summary>Maps <see cref="PresenceStatus"/> to and from the contract's wire names (<c>on_call</c>, <c>dnd</c>, ...).</summary>
public static class PresenceStatusNames
{
    public static string ToWire(this PresenceStatus status) => WireNames<PresenceStatus>.Of(status);

    /// <summary>Parses a wire name; exact, lower-case match only, so typos are refused rather than guessed.</summary>
    public static bool TryParse(string? wire, out PresenceStatus status) => WireNames<PresenceStatus>.TryParse(wire, out status);
}

/// <summary>
/// The wire names of an enum, read once from its members' <see cref="JsonStringEnumMemberNameAttribute"/>: the one
/// place each name is written, which System.Text.Json's enum converter reads too. Every member must have one.
/// </summary>
public static class WireNames<TEnum> where TEnum : struct, Enum
{
    private static readonly (TEnum Value, string Name)[] Members = typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => ((TEnum)f.GetValue(null)!, f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
            ?? throw new InvalidOperationException($"{typeof(TEnum).Name}.{f.Name} has no wire name ([JsonStringEnumMemberName]).")))
        .ToArray();

    private static readonly FrozenDictionary<TEnum, string> ByValue = Members.ToFrozenDictionary(m => m.Value, m => m.Name);
    private static readonly FrozenDictionary<string, TEnum> ByName = Members.ToFrozenDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);

    /// <summary>Every wire name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. Members.Select(m => m.Name)];

    public static string Of(TEnum value) =>
        ByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"Not a {typeof(TEnum).Name}.");

    public static bool TryParse(string? wire, out TEnum value)
    {
        if (wire is not null && ByName.TryGetValue(wire, out value)) return true;
        value = default;
        return false;
    }
}
