using System.Collections.Immutable;

namespace FreedomCti.Presence;

/// <summary>
/// The wall displays of one organisation (keyed by orgId): credentials an admin issues per board, stored as a hash of
/// their secret, checked when a display exchanges its secret for a short-lived read-only token, and revoked cluster-wide.
/// </summary>
[Alias("fcti.IDisplayRegistryGrain")]
public interface IDisplayRegistryGrain : IGrainWithStringKey
{
    /// <summary>Stores a new display; false when the organisation holds <see cref="DisplayRegistration.MaxPerOrganisation"/> already.</summary>
    [Alias("Register")]
    Task<bool> RegisterAsync(DisplayRegistration display);

    /// <summary>Every display of the organisation, revoked ones included (they stay listed so the revocation can be seen).</summary>
    [Alias("List")]
    Task<ImmutableArray<DisplayRegistration>> ListAsync();

    /// <summary>Revokes a display; null when there is none with that id. Revoking again keeps the first revocation.</summary>
    [Alias("Revoke")]
    Task<DisplayRegistration?> RevokeAsync(string displayId, string revokedBy, DateTimeOffset at);

    /// <summary>The display whose secret hashes to <paramref name="secretHash"/>, or null for an unknown id or a wrong secret.</summary>
    [Alias("Verify")]
    Task<DisplayRegistration?> VerifyAsync(string displayId, byte[] secretHash);
}

/// <summary>One wall display: its scope and the SHA-256 of its secret (never the secret).</summary>
/// <param name="Groups">The groups it may show; empty: every group of the organisation.</param>
[GenerateSerializer, Immutable, Alias("fcti.DisplayRegistration")]
public sealed record DisplayRegistration(
    [property: Id(0)] string DisplayId,
    [property: Id(1)] string Name,
    [property: Id(2)] ImmutableArray<string> Groups,
    [property: Id(3)] byte[] SecretHash,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] DateTimeOffset? RevokedAt = null,
    [property: Id(7)] string? RevokedBy = null)
{
    /// <summary>Displays kept per organisation, revoked ones included.</summary>
    public const int MaxPerOrganisation = 1000;

    public bool IsRevoked => RevokedAt is not null;
}
