using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FreedomCti.Presence.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>One REST write's idempotency key and deadline: set up by <see cref="WriteFilter"/>, used by the handler.</summary>
/// <remarks>Scoped (one per request): the handler passes <see cref="Key"/> and <see cref="Deadline"/> to the grain call.</remarks>
public sealed class WriteScope : IDisposable
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    private CancellationTokenSource? _deadline;
    private StuckCalls.Attempt? _attempt;
    private StuckCalls.Attempt? _abandonedAttempt; // kept to the end of the request: its grain call may still hold its token
    private HttpContext? _http;

    /// <summary>The request's key and fingerprint; null when none was sent (or the route takes none).</summary>
    public WriteKey? Key { get; private set; }

    /// <summary>
    /// Cancelled when the write's time is up (Api:WriteTimeout) or its attempt is given up on a dead silo
    /// (<see cref="StuckCalls"/>); grain calls take it, so one not yet stored is not applied.
    /// </summary>
    public CancellationToken Deadline => _attempt?.Token ?? _deadline?.Token ?? CancellationToken.None;

    /// <summary>The write's own deadline passed (as opposed to one attempt being given up).</summary>
    internal bool TimedOut => _deadline?.IsCancellationRequested == true;

    /// <summary>The current attempt was given up because a silo died while it was in flight.</summary>
    internal bool Abandoned => _attempt?.WasAbandoned == true;

    internal void Start(HttpContext http, WriteKey? key, TimeSpan timeout, TimeProvider clock)
    {
        _http = http;
        Key = key;
        _deadline = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, clock);
    }

    /// <summary>Starts a (first or repeated) attempt of the write, registered with <paramref name="writes"/>.</summary>
    internal void BeginAttempt(StuckCalls writes)
    {
        _abandonedAttempt?.Dispose();
        _abandonedAttempt = _attempt;
        _attempt = writes.Begin(_deadline!.Token);
    }

    /// <summary>The answer to send for a grain's verdict on the key: 422 when it was reused, the answer marked when replayed.</summary>
    public IResult Answer(KeyVerdict verdict, Func<IResult> answer)
    {
        switch (verdict)
        {
            case KeyVerdict.Reused:
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused",
                    detail: $"The {KeyHeader} was sent within the last hour with a different request (another route, target or body). " +
                            "Nothing was applied; send a new key with a new request.");
            case KeyVerdict.Replayed:
                _http?.Response.Headers[ReplayedHeader] = "true";
                break;
        }
        return answer();
    }

    public void Dispose()
    {
        _attempt?.Dispose();
        _abandonedAttempt?.Dispose();
        _deadline?.Dispose();
    }
}

/// <summary>What <see cref="WriteFilter"/> reads from a write endpoint: whether it takes an Idempotency-Key, and whether the write deadline bounds it.</summary>
public sealed record WriteMetadata(bool TakesKey, bool Bounded = true);

/// <summary>
/// Bounds every REST write by Api:WriteTimeout and reads its Idempotency-Key. A write whose grid calls do not finish in
/// time, or fail because a silo went away, answers 503 with Retry-After: its outcome is unknown to the gateway, and the
/// retry with the same key (answered from the grain's record) tells applied from not applied.
/// </summary>
public sealed class WriteFilter(IOptions<ApiOptions> options, StuckCalls stuck, TimeProvider clock, ILogger<WriteFilter> logger) : IEndpointFilter
{
    /// <summary>Tries of one keyed write when silos keep dying under it; within the write deadline in any case.</summary>
    private const int MaxAttempts = 8;

    private static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<WriteMetadata>() ?? new WriteMetadata(false);
        var takesKey = metadata.TakesKey;
        WriteKey? key = null;
        if (takesKey)
        {
            if (ParseKey(http.Request.Headers[WriteScope.KeyHeader], out var value) is { } error) return ApiProblems.Invalid(WriteScope.KeyHeader, error);
            if (value is not null) key = new WriteKey(value, Fingerprint(http, context.Arguments));
        }
        var scope = http.RequestServices.GetRequiredService<WriteScope>();
        scope.Start(http, key, metadata.Bounded ? options.Value.WriteTimeout : Timeout.InfiniteTimeSpan, clock);
        for (var attempt = 1; ; attempt++)
        {
            scope.BeginAttempt(stuck);
            try
            {
                return await next(context).AsTask().WaitAsync(scope.Deadline);
            }
            catch (Exception ex) when (scope.TimedOut && ex is OperationCanceledException or TaskCanceledException)
            {
                ApiLog.WriteUnconfirmed(logger, http.Request.Method, http.Request.Path.Value ?? "", "deadline");
                return Unconfirmed(http, key, $"The presence grid did not confirm the write within {options.Value.WriteTimeout.TotalSeconds:0.###} s (Api:WriteTimeout)");
            }
            catch (Exception ex) when (scope.Abandoned && !scope.TimedOut)
            {
                // In flight when a silo was declared dead: with a key the retry is answered from the record if the first
                // attempt was stored, so it is safe to repeat; without one only the caller can decide.
                if (key is not null && attempt < MaxAttempts)
                {
                    ApiLog.WriteRetried(logger, http.Request.Method, http.Request.Path.Value ?? "", attempt);
                    continue;
                }
                ApiLog.WriteUnconfirmed(logger, http.Request.Method, http.Request.Path.Value ?? "", $"silo declared dead ({ex.GetType().Name})");
                return Unconfirmed(http, key, "The write was in flight when a silo of the presence grid was declared dead");
            }
            catch (Exception ex) when (Hosting.ClusterUnavailableHandler.IsClusterUnavailable(ex) || ex is Orleans.Storage.InconsistentStateException)
            {
                ApiLog.WriteUnconfirmed(logger, http.Request.Method, http.Request.Path.Value ?? "", ex.GetType().Name);
                return Unconfirmed(http, key, "A presence-grid call failed while the write was in flight (a silo went away, or its storage refused the write)");
            }
        }
    }

    private IResult Unconfirmed(HttpContext http, WriteKey? key, string what)
    {
        http.Response.Headers.RetryAfter = options.Value.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var advice = key is null
            ? "It may or may not have been applied. Retry; to learn the outcome instead of applying the write again, send an Idempotency-Key."
            : "It may or may not have been applied. Retry with the same Idempotency-Key: the answer is the write's outcome, applied once.";
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Write not confirmed", detail: $"{what}. {advice}");
    }

    /// <summary>The key's value, or an error. 1-128 visible ASCII characters; a structured-field string ("...") is unquoted.</summary>
    public static string? ParseKey(Microsoft.Extensions.Primitives.StringValues header, out string? key)
    {
        key = null;
        if (header.Count == 0) return null;
        const string rule = "Idempotency-Key must be 1-128 visible ASCII characters (a UUID is a good key), sent once.";
        if (header.Count > 1) return rule;
        var value = header[0]!.Trim();
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
        if (value.Length is 0 or > 128 || value.Any(c => c is < '!' or > '~' or '"')) return rule;
        key = value;
        return null;
    }

    /// <summary>
    /// Names the request: method, path (the ids) and the bound body, re-serialized so that the same request sent with
    /// other whitespace or field order has the same fingerprint. Gateway-made values (a call's startedAt, a session id)
    /// are not part of the body, so a retry matches its first attempt.
    /// </summary>
    public static string Fingerprint(HttpContext http, IList<object?> arguments)
    {
        var text = new StringBuilder().Append(http.Request.Method).Append(' ').Append(http.Request.Path.Value);
        foreach (var argument in arguments)
        {
            if (argument is not null && argument.GetType().Name.EndsWith("Request", StringComparison.Ordinal))
            {
                text.Append('\n').Append(JsonSerializer.Serialize(argument, argument.GetType(), Canonical));
            }
        }
        return Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())), 0, 16).TrimEnd('=');
    }
}

/// <summary>Marks REST writes: bounded by the write deadline, and with <paramref name="takesKey"/> an Idempotency-Key.</summary>
public static class WriteEndpoints
{
    /// <remarks><paramref name="bounded"/> false: the write may take longer than the deadline by design (a bulk import).</remarks>
    public static RouteHandlerBuilder Write(this RouteHandlerBuilder builder, bool takesKey, bool bounded = true)
    {
        // 429: the organisation's writes on this gateway are all in flight and its queue is full (Limits/TenantWriteLimiter).
        builder.AddEndpointFilter<WriteFilter>().WithMetadata(new WriteMetadata(takesKey, bounded))
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return takesKey ? builder.ProducesProblem(StatusCodes.Status422UnprocessableEntity) : builder;
    }
}
