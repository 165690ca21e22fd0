using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace FreedomCti.Presence.Gateway.Api;

// The REST API's field rules as validation attributes. .NET's minimal-API validation (AddValidation) enforces them
// before a handler runs (400, errors keyed by the field's JSON path), and the OpenAPI document reads the same
// attributes, so what is described is what is enforced. Messages name the field as it is spelled on the wire.

/// <summary>Field names as the JSON has them (camelCase), for messages.</summary>
internal static class WireName
{
    public static string Of(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}

/// <summary>Present, and for a string not blank.</summary>
public sealed class RequiredFieldAttribute : RequiredAttribute
{
    public override string FormatErrorMessage(string name) => $"{WireName.Of(name)} is required.";
}

/// <summary>At most <paramref name="max"/> characters.</summary>
public sealed class MaxCharsAttribute(int max) : StringLengthAttribute(max)
{
    public override string FormatErrorMessage(string name) => $"{WireName.Of(name)} must be at most {MaximumLength} characters.";
}

/// <summary>A whole number in [min, max].</summary>
public sealed class BetweenAttribute(int min, int max) : RangeAttribute(min, max)
{
    public override string FormatErrorMessage(string name) =>
        Maximum is int.MaxValue ? $"{WireName.Of(name)} must be {Minimum} or more." : $"{WireName.Of(name)} must be between {Minimum} and {Maximum}.";
}

/// <summary>An id: 1-64 characters, letters, digits, '.', '_' or '-', starting with a letter or digit (<see cref="PresenceIds.Pattern"/>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class PresenceIdAttribute() : RegularExpressionAttribute(PresenceIds.Pattern)
{
    public override bool IsValid(object? value) => value is null || PresenceIds.IsValid(value as string);

    public override string FormatErrorMessage(string name) => Message(WireName.Of(name));

    public static string Message(string field) =>
        $"{field} must be 1-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.";
}

/// <summary>An IANA time zone id this host knows (where an organisation's day starts for its queue figures).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class IanaTimeZoneAttribute : ValidationAttribute
{
    // IANA form only ("Area/City" or UTC): .NET would also take Windows names here, which other clients cannot read back.
    public override bool IsValid(object? value) =>
        value is null || value is string id && (id == "UTC" || id.Contains('/', StringComparison.Ordinal)) && QueueTimeZones.TryFind(id) is not null;

    public override string FormatErrorMessage(string name) => $"{WireName.Of(name)} must be an IANA time zone id such as Europe/London or UTC.";
}

/// <summary>A list of user ids, each one an id; duplicates are allowed (and dropped by the handler).</summary>
public sealed class PresenceIdListAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        if (value is not IEnumerable items) return ValidationResult.Success;
        foreach (var item in items)
        {
            if (!PresenceIds.IsValid(item as string))
            {
                return new ValidationResult($"{WireName.Of(context.MemberName ?? context.DisplayName)} contains an invalid user id '{Shorten(item as string)}'.");
            }
        }
        return ValidationResult.Success;
    }

    private static string Shorten(string? value) => value is null ? "null" : value.Length <= 32 ? value : value[..32] + "…";
}

/// <summary>One of the six statuses, or left out.</summary>
/// <remarks>A required status says so with <see cref="RequiredFieldAttribute"/> beside it.</remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class WireStatusAttribute() : AllowedValuesAttribute(
    WireStatuses.Available, WireStatuses.Busy, WireStatuses.OnCall, WireStatuses.Away, WireStatuses.Dnd, WireStatuses.Offline)
{
    public override bool IsValid(object? value) => value is null || base.IsValid(value);

    public override string FormatErrorMessage(string name) =>
        $"{WireName.Of(name)} must be one of available, busy, on_call, away, dnd, offline.";
}

/// <summary>One of the listed words (lower case, as on the wire), or left out.</summary>
public sealed class OneOfAttribute(params string[] values) : AllowedValuesAttribute(values)
{
    public override bool IsValid(object? value) => value is null || base.IsValid(value);

    public override string FormatErrorMessage(string name) =>
        $"{WireName.Of(name)} must be {string.Join(" or ", Values.Select(v => v?.ToString()))}.";
}
