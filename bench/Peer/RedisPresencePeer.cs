using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using StackExchange.Redis;

namespace FreedomCti.Bench.Peer;

/// <summary>
/// The presence service as a user might build it instead of the grid: an ASP.NET Core endpoint over Redis.
/// <c>PUT /organisation/{org}/user/{user}/presence</c> validates the bearer token, then one Lua script (atomic in Redis)
/// stores the user's record, updates every group hash the user belongs to (member status, summary counts, seq) and
/// publishes one frame per group; the answer is sent once the script has run, so an acknowledged write is stored and
/// published to every group. Every peer process subscribes to the group channels and fans each frame out to its own
/// WebSockets on <c>/organisation/{org}/user-group/{group}</c> (snapshot first, from the group hash).
/// </summary>
public static class RedisPresencePeer
{
    // KEYS[1] = the user's hash (its groups are the set KEYS[1]..':groups'); ARGV = org, user id, status, timestamp.
    private const string WriteScript = """
        local old = redis.call('HGET', KEYS[1], 'status')
        if not old then return -1 end
        redis.call('HSET', KEYS[1], 'status', ARGV[3], 'updated', ARGV[4])
        local name = redis.call('HGET', KEYS[1], 'name') or ''
        local groups = redis.call('SMEMBERS', KEYS[1] .. ':groups')
        for _, g in ipairs(groups) do
          local gk = 'g:' .. ARGV[1] .. ':' .. g
          redis.call('HSET', gk .. ':members', ARGV[2], ARGV[3])
          if old ~= ARGV[3] then
            redis.call('HINCRBY', gk .. ':summary', old, -1)
            redis.call('HINCRBY', gk .. ':summary', ARGV[3], 1)
          end
          local seq = redis.call('HINCRBY', gk .. ':summary', 'seq', 1)
          local s = redis.call('HMGET', gk .. ':summary', 'available', 'busy', 'on_call', 'away', 'dnd', 'offline')
          local frame = '{"type":"member_presence_update","timestamp":"' .. ARGV[4] .. '","seq":' .. seq ..
            ',"data":{"groupId":"' .. g .. '","userId":"' .. ARGV[2] .. '","displayName":"' .. name ..
            '","status":"' .. ARGV[3] .. '","previousStatus":"' .. old ..
            '","updatedSummary":{"available":' .. (s[1] or 0) .. ',"busy":' .. (s[2] or 0) .. ',"onCall":' .. (s[3] or 0) ..
            ',"away":' .. (s[4] or 0) .. ',"dnd":' .. (s[5] or 0) .. ',"offline":' .. (s[6] or 0) .. '}}}'
          redis.call('PUBLISH', 'grp:' .. ARGV[1] .. ':' .. g, frame)
        end
        return #groups
        """;

    private static readonly string[] Statuses = ["available", "busy", "on_call", "away", "dnd", "offline"];

    public static async Task<int> RunAsync(int port, int redisPort, string signingKey)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{redisPort},abortConnect=false");
        var db = redis.GetDatabase();
        var tokens = new JsonWebTokenHandler();
        var validation = new TokenValidationParameters
        {
            ValidIssuer = Load.BenchTokens.Issuer,
            ValidAudience = Load.BenchTokens.Audience,
            IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(signingKey)),
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseWebSockets();
        var groups = new ConcurrentDictionary<string, ConcurrentDictionary<PeerSocket, byte>>();

        // One subscription for every group; messages of one pattern subscription are handled in order, one at a time.
        var queue = await redis.GetSubscriber().SubscribeAsync(RedisChannel.Pattern("grp:*"));
        queue.OnMessage(message =>
        {
            if (!groups.TryGetValue(((string)message.Channel!)[4..], out var set)) return;
            var frame = (byte[])message.Message!;
            lock (set)
            {
                foreach (var socket in set.Keys) socket.Send(frame);
            }
        });

        async Task<string?> OrgOf(string? token)
        {
            if (token is null) return null;
            var result = await tokens.ValidateTokenAsync(token, validation);
            return result.IsValid && result.Claims.TryGetValue("org", out var org) ? org as string : null;
        }
        static string? Bearer(HttpContext context)
        {
            var header = context.Request.Headers.Authorization.ToString();
            return header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
        }

        app.MapGet("/health", () => "ok");
        app.MapPut("/organisation/{org}/user/{user}/presence", async (HttpContext context, string org, string user) =>
        {
            if (await OrgOf(Bearer(context)) != org) return Results.StatusCode(403);
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            var status = body.RootElement.TryGetProperty("status", out var s) ? s.GetString() : null;
            if (status is null || Array.IndexOf(Statuses, status) < 0) return Results.BadRequest();
            var now = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ");
            var published = (int)await db.ScriptEvaluateAsync(WriteScript, [(RedisKey)$"u:{org}:{user}"], [org, user, status, now]); // EVALSHA once cached
            if (published < 0) return Results.NotFound();
            return Results.Text($$"""{"userId":"{{user}}","orgId":"{{org}}","status":"{{status}}","lastActivity":"{{now}}","groups":{{published}}}""", "application/json");
        });
        app.MapGet("/organisation/{org}/user-group/{group}", async (HttpContext context, string org, string group) =>
        {
            if (await OrgOf(Bearer(context)) != org) return Results.StatusCode(403);
            if (context.WebSockets.IsWebSocketRequest) return Results.BadRequest();
            var members = await db.HashGetAllAsync($"g:{org}:{group}:members");
            return Results.Json(new { groupId = group, members = members.Select(m => new { userId = (string)m.Name!, status = (string)m.Value! }) });
        });
        app.MapGet("/ws/organisation/{org}/user-group/{group}", async (HttpContext context, string org, string group) =>
        {
            if (!context.WebSockets.IsWebSocketRequest) return Results.BadRequest();
            if (await OrgOf(context.Request.Query["access_token"]) != org) return Results.StatusCode(403);
            using var ws = await context.WebSockets.AcceptWebSocketAsync();
            var socket = new PeerSocket(ws);
            var set = groups.GetOrAdd($"{org}:{group}", _ => new());
            // Registered before the snapshot is read, so no change published after the read is missed.
            set[socket] = 0;
            try
            {
                var summary = await db.HashGetAsync($"g:{org}:{group}:summary", "seq");
                var members = await db.HashGetAllAsync($"g:{org}:{group}:members");
                var snapshot = new StringBuilder($$"""{"type":"group_presence_update","snapshot":true,"seq":{{(long)(summary.IsNull ? 0 : (long)summary)}},"data":{"groupId":"{{group}}","members":[""");
                for (var i = 0; i < members.Length; i++)
                {
                    snapshot.Append(i == 0 ? "" : ",").Append($$"""{"userId":"{{members[i].Name}}","status":"{{members[i].Value}}"}""");
                }
                snapshot.Append("]}}");
                socket.Send(Encoding.UTF8.GetBytes(snapshot.ToString()));
                await socket.RunAsync();
            }
            finally { set.TryRemove(socket, out _); }
            return Results.Empty;
        });
        await app.RunAsync();
        return 0;
    }
}
