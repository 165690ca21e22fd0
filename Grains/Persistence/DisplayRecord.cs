namespace FreedomCti.Presence.Persistence;

/// <summary>An organisation's wall displays as stored: plain properties so any storage serializer (Orleans, JSON) round-trips them.</summary>
[GenerateSerializer, Alias("fcti.DisplayRecord")]
public sealed class DisplayRecord
{
    [Id(0)] public List<DisplayEntryRecord> Displays { get; set; } = [];
}

/// <summary>One display as stored; the secret only as its SHA-256.</summary>
[GenerateSerializer, Alias("fcti.DisplayEntryRecord")]
public sealed class DisplayEntryRecord
{
    [Id(0)] public string DisplayId { get; set; } = "";
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public List<string> Groups { get; set; } = [];
    [Id(3)] public string SecretHash { get; set; } = "";
    [Id(4)] public DateTimeOffset CreatedAt { get; set; }
    [Id(5)] public string CreatedBy { get; set; } = "";
    [Id(6)] public DateTimeOffset? RevokedAt { get; set; }
    [Id(7)] public string? RevokedBy { get; set; }

    public static DisplayEntryRecord From(DisplayRegistration display) => new()
    {
        DisplayId = display.DisplayId,
        Name = display.Name,
        Groups = [.. display.Groups],
        SecretHash = Convert.ToBase64String(display.SecretHash),
        CreatedAt = display.CreatedAt,
        CreatedBy = display.CreatedBy,
        RevokedAt = display.RevokedAt,
        RevokedBy = display.RevokedBy,
    };

    public DisplayRegistration ToRegistration() =>
        new(DisplayId, Name, [.. Groups], Convert.FromBase64String(SecretHash), CreatedAt, CreatedBy, RevokedAt, RevokedBy);
}
