using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FreedomCti.Presence.Persistence;

/// <summary>An import job's row "job": its cursor, counts, outcome and times. Rewritten after every step (a few hundred bytes).</summary>
public sealed class ImportJobRecord
{
    [JsonPropertyName("state")] public ImportJobState State { get; set; }
    [JsonPropertyName("phase")] public State.ImportPhase Phase { get; set; }
    [JsonPropertyName("index")] public int Index { get; set; }
    [JsonPropertyName("offset")] public int Offset { get; set; }
    [JsonPropertyName("inputRows")] public int InputRows { get; set; }
    [JsonPropertyName("users")] public int UsersTotal { get; set; }
    [JsonPropertyName("groups")] public int GroupsTotal { get; set; }
    [JsonPropertyName("memberships")] public int Memberships { get; set; }
    [JsonPropertyName("unknown")] public List<string> UnknownMembers { get; set; } = [];
    [JsonPropertyName("errors")] public List<string> Errors { get; set; } = [];
    /// <summary>Consecutive failures of the current step.</summary>
    [JsonPropertyName("failures")] public int Failures { get; set; }
    [JsonPropertyName("resumes")] public int Resumes { get; set; }
    [JsonPropertyName("created")] public DateTimeOffset CreatedAt { get; set; }
    [JsonPropertyName("updated")] public DateTimeOffset UpdatedAt { get; set; }
    [JsonPropertyName("finished")] public DateTimeOffset? FinishedAt { get; set; }
}

/// <summary>One row "input.{index}" of an import job's input: a slice of the compressed import.</summary>
public sealed class ImportInputRecord
{
    [JsonPropertyName("d")] public byte[] Data { get; set; } = [];
}

/// <summary>
/// An import's input as rows: the import as JSON, Brotli-compressed (directory JSON compresses about tenfold), cut into
/// slices well under the entity limit. A 50,000-user import is a few hundred KB, so a handful of rows.
/// </summary>
public static class ImportInput
{
    /// <summary>Raw bytes per row; base64 in the entity makes ~256 KB.</summary>
    public const int SliceBytes = 192 * 1024;

    public static List<ImportInputRecord> Split(DirectoryImport import)
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, import);
        }
        var bytes = buffer.ToArray();
        var rows = new List<ImportInputRecord>();
        for (var at = 0; at < bytes.Length || rows.Count == 0; at += SliceBytes)
        {
            rows.Add(new ImportInputRecord { Data = bytes[at..Math.Min(bytes.Length, at + SliceBytes)] });
        }
        return rows;
    }

    public static DirectoryImport Join(IEnumerable<ImportInputRecord> rows)
    {
        using var buffer = new MemoryStream();
        foreach (var row in rows) buffer.Write(row.Data);
        buffer.Position = 0;
        using var brotli = new BrotliStream(buffer, CompressionMode.Decompress);
        return JsonSerializer.Deserialize<DirectoryImport>(brotli) ?? throw new InvalidDataException("An import job's input is empty.");
    }
}
