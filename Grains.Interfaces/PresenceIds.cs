using System.Text.RegularExpressions;

namespace FreedomCti.Presence;

/// <summary>Id syntax and the composite grain keys built from it.</summary>
/// <remarks>
/// Ids never contain '/', so "{orgId}/{userId}" splits back unambiguously and an id can never
/// reach into another tenant's key space.
/// </remarks>
public static partial class PresenceIds
{
    public const int MaxLength = 64;

    /// <summary>The id syntax, also published in the API descriptions.</summary>
    public const string Pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$";

    [GeneratedRegex(Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    public static bool IsValid(string? id) => id is not null && IdPattern().IsMatch(id);

    /// <summary>The grain key of a user or group inside an organisation.</summary>
    public static string Key(string orgId, string id) => $"{orgId}/{id}";

    /// <summary>Splits a composite key made by <see cref="Key"/>.</summary>
    public static (string OrgId, string Id) Split(string key)
    {
        var slash = key.IndexOf('/');
        if (slash <= 0 || slash == key.Length - 1)
        {
            throw new ArgumentException($"'{key}' is not an '{{orgId}}/{{id}}' key.", nameof(key));
        }
        return (key[..slash], key[(slash + 1)..]);
    }
}
