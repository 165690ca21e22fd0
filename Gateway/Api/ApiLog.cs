namespace FreedomCti.Presence.Gateway.Api;

/// <summary>Source-generated log messages of the REST API (event ids 60-69).</summary>
internal static partial class ApiLog
{
    [LoggerMessage(60, LogLevel.Warning, "{Method} {Path} answered 503, outcome unknown: {Reason}")]
    public static partial void WriteUnconfirmed(ILogger logger, string method, string path, string reason);

    [LoggerMessage(61, LogLevel.Information, "{Method} {Path} was in flight when a silo was declared dead: attempt {Attempt} given up, retried under its Idempotency-Key")]
    public static partial void WriteRetried(ILogger logger, string method, string path, int attempt);
}
