using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace FreedomCti.Presence.Persistence;

/// <summary>
/// System.Text.Json for the row-per-piece provider (<see cref="PresenceStorage.Rows"/>): no type names, nulls and
/// defaults left out, non-ASCII text kept as UTF-8 rather than \u escapes. Orleans' default storage serializer
/// (Newtonsoft with TypeNameHandling.All) spends ~200 bytes on a group member; the stored member records here take ~60.
/// </summary>
/// <remarks>Only the types under Persistence/ are stored through it; they are plain classes with settable properties.</remarks>
public sealed class CompactJsonStorageSerializer : IGrainStorageSerializer
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingDefault,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public BinaryData Serialize<T>(T? input) => BinaryData.FromObjectAsJson(input, Options);

    public T? Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>(Options);
}
