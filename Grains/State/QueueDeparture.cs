namespace FreedomCti.Presence.State;

/// <summary>A call that left the queue: when, and how long it had waited.</summary>
public readonly record struct QueueDeparture(DateTimeOffset LeftAt, double WaitSeconds);
