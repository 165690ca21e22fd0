using System.Collections.Immutable;
using System.Security.Cryptography;
using FreedomCti.Presence.Persistence;

namespace FreedomCti.Presence.Grains;

/// <summary>An organisation's wall displays; see <see cref="IDisplayRegistryGrain"/>. One row ("displays") in <see cref="PresenceStorage.Name"/>.</summary>
/// <remarks>
/// Every gateway asks this one grain, so a revocation holds on all of them at once. Secrets are random 256-bit values,
/// so their SHA-256 is enough (no slow password hash is needed to resist guessing), compared in constant time.
/// </remarks>
public sealed class DisplayRegistryGrain(
    [PersistentState("displays", PresenceStorage.Name)] IPersistentState<DisplayRecord> storage) : Grain, IDisplayRegistryGrain
{
    public async Task<bool> RegisterAsync(DisplayRegistration display)
    {
        var displays = storage.State.Displays;
        if (displays.Count >= DisplayRegistration.MaxPerOrganisation) return false;
        if (displays.Any(d => d.DisplayId == display.DisplayId)) return false;
        displays.Add(DisplayEntryRecord.From(display));
        await storage.WriteStateAsync();
        return true;
    }

    public Task<ImmutableArray<DisplayRegistration>> ListAsync() =>
        Task.FromResult(storage.State.Displays.Select(d => d.ToRegistration()).ToImmutableArray());

    public async Task<DisplayRegistration?> RevokeAsync(string displayId, string revokedBy, DateTimeOffset at)
    {
        var entry = storage.State.Displays.FirstOrDefault(d => d.DisplayId == displayId);
        if (entry is null) return null;
        if (entry.RevokedAt is null)
        {
            entry.RevokedAt = at;
            entry.RevokedBy = revokedBy;
            await storage.WriteStateAsync();
        }
        return entry.ToRegistration();
    }

    public Task<DisplayRegistration?> VerifyAsync(string displayId, byte[] secretHash)
    {
        var entry = storage.State.Displays.FirstOrDefault(d => d.DisplayId == displayId);
        var matches = entry is not null && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(entry.SecretHash), secretHash);
        return Task.FromResult(matches ? entry!.ToRegistration() : null);
    }
}
