namespace FreedomCti.Presence;

/// <summary>What a grain answers to a watch or its renewal.</summary>
/// <param name="Exists">False when the user or group is not in the directory; nothing was registered then.</param>
/// <param name="Seq">The topic's seq now: a gateway holding less has missed events and resyncs.</param>
/// <param name="Host">The silo holding the activation: when that silo dies, the gateway watches again at once
/// rather than waiting for its next renewal (the watch lived only in that activation's memory).</param>
[GenerateSerializer, Immutable, Alias("fcti.WatchReceipt")]
public sealed record WatchReceipt(bool Exists, long Seq, SiloAddress Host);
