using System.Collections.Immutable;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Field rules for request bodies; each returns an error message, or null when the value is fine.</summary>
public static class ApiValidation
{
    public const int MaxNameLength = 128;
    public const int MaxExtensionLength = 32;
    public const int MaxStatusMessageLength = 256;
    public const int MaxRemotePartyLength = 128;

    public static string? Id(string? value, string field) =>
        PresenceIds.IsValid(value) ? null : $"{field} must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";

    public static string? Text(string? value, string field, int maxLength, bool required) => value switch
    {
        null when required => $"{field} is required.",
        { } v when required && string.IsNullOrWhiteSpace(v) => $"{field} must not be blank.",
        { Length: var n } when n > maxLength => $"{field} must be at most {maxLength} characters.",
        _ => null,
    };

    public static UserProfile Profile(string displayName, string? extension, CapabilitiesRequest? c) =>
        new(displayName.Trim(), string.IsNullOrWhiteSpace(extension) ? null : extension.Trim(), new Capabilities(
            c?.CanReceiveCalls ?? Capabilities.Default.CanReceiveCalls,
            c?.CanMakeOutbound ?? Capabilities.Default.CanMakeOutbound,
            c?.CanTransfer ?? Capabilities.Default.CanTransfer));

    /// <summary>Validates a user body; on success <paramref name="profile"/> is set.</summary>
    public static Dictionary<string, string[]>? User(string? displayName, string? extension, CapabilitiesRequest? capabilities, string prefix, out UserProfile? profile)
    {
        var errors = new Dictionary<string, string[]>();
        Add(errors, prefix + "displayName", Text(displayName, "displayName", MaxNameLength, required: true));
        Add(errors, prefix + "extension", Text(extension, "extension", MaxExtensionLength, required: false));
        profile = errors.Count == 0 ? Profile(displayName!, extension, capabilities) : null;
        return errors.Count == 0 ? null : errors;
    }

    /// <summary>Validates a list of user ids (no duplicates kept); on success <paramref name="ids"/> is set.</summary>
    public static string? UserIds(List<string?>? values, string field, bool required, out ImmutableArray<string> ids)
    {
        ids = [];
        if (values is null) return required ? $"{field} is required." : null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            if (!PresenceIds.IsValid(value)) return $"{field} contains an invalid user id '{Shorten(value)}'.";
            seen.Add(value!);
        }
        ids = [.. seen.Order(StringComparer.Ordinal)];
        return null;
    }

    public static void Add(Dictionary<string, string[]> errors, string field, string? message)
    {
        if (message is not null) errors[field] = [message];
    }

    private static string Shorten(string? value) => value is null ? "null" : value.Length <= 32 ? value : value[..32] + "…";
}
