namespace FreedomCti.Presence;

/// <summary>The Idempotency-Key a client sent with a REST write, and the fingerprint of the request it came with.</summary>
/// <param name="Key">The header's value, as the client chose it.</param>
/// <param name="Fingerprint">Names the request (method, path, the validated body): the same key with another request is refused.</param>
[GenerateSerializer, Immutable, Alias("fcti.WriteKey")]
public sealed record WriteKey(string Key, string Fingerprint);

/// <summary>How a write that may carry a key was decided.</summary>
[GenerateSerializer, Alias("fcti.KeyVerdict")]
public enum KeyVerdict
{
    /// <summary>No key, or one not seen before: the write was decided now.</summary>
    Fresh = 0,
    /// <summary>The key came before with the same request: its recorded outcome is answered and nothing is applied again.</summary>
    Replayed = 1,
    /// <summary>The key came before with another request: refused, nothing applied.</summary>
    Reused = 2,
}

/// <summary>What a presence or call write did, with the user's state afterwards.</summary>
/// <param name="Outcome">On a replay, the outcome the key's first request had.</param>
/// <param name="User">The user's current state (on a replay too), or null when the user does not exist.</param>
[GenerateSerializer, Immutable, Alias("fcti.UserWriteResult")]
public sealed record UserWriteResult(CallOutcome Outcome, UserSnapshot? User, KeyVerdict Key = KeyVerdict.Fresh);
