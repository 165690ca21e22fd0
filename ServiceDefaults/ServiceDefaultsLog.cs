using Microsoft.Extensions.Logging;

namespace FreedomCti.Presence.ServiceDefaults;

/// <summary>Log messages of the shared host defaults (event ids 900–909).</summary>
internal static partial class ServiceDefaultsLog
{
    [LoggerMessage(900, LogLevel.Warning,
        "No appsettings.json in the content root {ContentRoot}: running on built-in defaults, environment variables and the command line only")]
    public static partial void NoAppSettings(ILogger logger, string contentRoot);
}
