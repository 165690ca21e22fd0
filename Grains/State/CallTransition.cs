namespace FreedomCti.Presence.State;

/// <summary>What a call transition did, and the state that results (the same instance unless Outcome is Done and something changed).</summary>
public readonly record struct CallTransition(CallOutcome Outcome, UserPresenceState State);
