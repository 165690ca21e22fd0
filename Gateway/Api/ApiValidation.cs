using System.Collections.Immutable;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Limits of request fields (enforced by the attributes of Api/ApiRules.cs) and the conversions of validated values.</summary>
public static class ApiValidation
{
    public const int MaxNameLength = 128;
    public const int MaxExtensionLength = 32;
    public const int MaxStatusMessageLength = 256;
    public const int MaxRemotePartyLength = 128;

    /// <summary>The error for an id that is not valid, or null; for paths checked outside minimal-API validation (socket paths).</summary>
    public static string? Id(string? value, string field) => PresenceIds.IsValid(value) ? null : PresenceIdAttribute.Message(field);

    public static UserProfile Profile(string displayName, string? extension, CapabilitiesRequest? c) =>
        new(displayName.Trim(), string.IsNullOrWhiteSpace(extension) ? null : extension.Trim(), new Capabilities(
            c?.CanReceiveCalls ?? Capabilities.Default.CanReceiveCalls,
            c?.CanMakeOutbound ?? Capabilities.Default.CanMakeOutbound,
            c?.CanTransfer ?? Capabilities.Default.CanTransfer));

    /// <summary>Validated user ids, without duplicates, in ordinal order.</summary>
    public static ImmutableArray<string> UserIds(List<string?>? values) =>
        [.. (values ?? []).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}
