using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FreedomCti.Presence.Gateway.Protocol;

/// <summary>
/// Renders server messages as UTF-8 JSON frames exactly as the contract shows them, plus "seq" and "snapshot".
/// </summary>
/// <remarks>Called once per topic event, never once per socket: every subscriber of a topic gets the same bytes.</remarks>
public static class PresenceMessageWriter
{
    public static byte[] UserUpdate(UserSnapshot user, bool snapshot, DateTimeOffset now) => Write(w =>
    {
        Header(w, "presence_update", user.ChangedAt, user.Seq, snapshot);
        w.WriteStartObject("data");
        WriteUser(w, user, now);
        w.WriteEndObject();
    });

    /// <summary>The user document without the envelope; REST answers and snapshots share it.</summary>
    public static void WriteUser(Utf8JsonWriter w, UserSnapshot user, DateTimeOffset now)
    {
        w.WriteString("userId", user.UserId);
        w.WriteString("orgId", user.OrgId);
        w.WriteString("displayName", user.Profile.DisplayName);
        w.WriteString("status", user.Status.ToWire());
        w.WriteString("previousStatus", user.PreviousStatus.ToWire());
        w.WriteString("statusMessage", user.StatusMessage);
        w.WriteString("lastActivity", user.LastActivity.ToWire());
        if (user.ActiveCall is { } call)
        {
            w.WriteStartObject("activeCall");
            w.WriteString("callId", call.CallId);
            w.WriteString("direction", call.Direction == CallDirection.Inbound ? "inbound" : "outbound");
            w.WriteString("remoteParty", call.RemoteParty);
            w.WriteString("startedAt", call.StartedAt.ToWire());
            w.WriteNumber("callDuration", WireTime.SecondsSince(call.StartedAt, now));
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("activeCall");
        }
        w.WriteString("extension", user.Profile.Extension);
        w.WriteStartObject("capabilities");
        w.WriteBoolean("canReceiveCalls", user.Profile.Capabilities.CanReceiveCalls);
        w.WriteBoolean("canMakeOutbound", user.Profile.Capabilities.CanMakeOutbound);
        w.WriteBoolean("canTransfer", user.Profile.Capabilities.CanTransfer);
        w.WriteEndObject();
        // Presence truth (docs/presence-sessions.md): whether the status may be out of date, and who decided it.
        w.WriteBoolean("stale", user.Stale);
        if (user.LastConfirmedAt is { } confirmed) w.WriteString("lastConfirmedAt", confirmed.ToWire());
        else w.WriteNull("lastConfirmedAt");
        if (user.Source == PresenceSource.None) w.WriteNull("source");
        else w.WriteString("source", user.Source.ToWire());
    }

    /// <summary>A group_presence_update: the whole group. <paramref name="members"/> are in display order.</summary>
    public static byte[] GroupUpdate(GroupSnapshot group, bool snapshot, DateTimeOffset timestamp, DateTimeOffset now) => Write(w =>
    {
        Header(w, "group_presence_update", timestamp, group.Seq, snapshot);
        w.WriteStartObject("data");
        w.WriteString("groupId", group.GroupId);
        w.WriteString("groupName", group.GroupName);
        w.WriteString("orgId", group.OrgId);
        WriteSummary(w, "summary", group.Summary);
        w.WriteStartArray("members");
        foreach (var member in group.Members)
        {
            w.WriteStartObject();
            WriteMemberFields(w, member, now);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        WriteQueue(w, group.Queue, now);
        w.WriteEndObject();
    });

    public static byte[] MemberUpdate(string groupId, long seq, DateTimeOffset timestamp, MemberChange change, GroupSummary summary, DateTimeOffset now) => Write(w =>
    {
        Header(w, "member_presence_update", timestamp, seq, snapshot: null);
        w.WriteStartObject("data");
        w.WriteString("groupId", groupId);
        var m = change.Member;
        w.WriteString("userId", m.UserId);
        w.WriteString("displayName", m.DisplayName);
        w.WriteString("status", m.Status.ToWire());
        w.WriteString("previousStatus", change.PreviousStatus.ToWire());
        w.WriteString("extension", m.Extension);
        if (m.CallStartedAt is { } started && m.Status == PresenceStatus.OnCall)
        {
            w.WriteNumber("callDuration", WireTime.SecondsSince(started, now));
        }
        if (m.Stale) w.WriteBoolean("stale", true);
        WriteFigures(w, m);
        WriteSummary(w, "updatedSummary", summary);
        w.WriteEndObject();
    });

    /// <summary>An error frame; <paramref name="retryAfterMs"/> is the jittered reconnect floor of a retryable close (see <see cref="RetryHints"/>).</summary>
    /// <param name="topic">On a socket that carries many topics: the topic the error ends or refuses (its ids, as its frames name it).</param>
    /// <remarks>1012 frames carry the same value as "reconnectAfterMs" too: clients written before retryAfterMs read that.</remarks>
    public static byte[] Error(PresenceError error, string description, int? retryAfterMs = null, TopicIds? topic = null) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteNumber("code", error.Code);
        w.WriteString("message", error.Message);
        w.WriteString("description", description);
        if (retryAfterMs is { } after)
        {
            w.WriteNumber("retryAfterMs", after);
            if (error.Code == PresenceCloseCodes.ServiceRestart.Code) w.WriteNumber("reconnectAfterMs", after);
        }
        if (topic is { } ids) WriteTopic(w, ids);
    });

    /// <summary>
    /// Confirms a resume (subscribe with lastSeq): the next <paramref name="replayed"/> frames are the missed changes
    /// fromSeq+1 .. seq exactly as first sent; live changes follow from seq+1.
    /// </summary>
    public static byte[] Resumed(string orgId, string? userId, string? groupId, long fromSeq, long seq, int replayed, DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "resumed");
        w.WriteString("timestamp", now.ToWire());
        w.WriteString("orgId", orgId);
        if (userId is not null) w.WriteString("userId", userId);
        if (groupId is not null) w.WriteString("groupId", groupId);
        w.WriteNumber("fromSeq", fromSeq);
        w.WriteNumber("seq", seq);
        w.WriteNumber("replayed", replayed);
    });

    /// <summary>Acknowledges session_open: the session the socket now holds, kept alive by the gateway while the socket lives.</summary>
    public static byte[] SessionOpened(SessionInfo session, SessionPolicy policy, DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "session_opened");
        w.WriteString("timestamp", now.ToWire());
        w.WriteString("sessionId", session.SessionId);
        w.WriteString("device", session.Device);
        w.WriteString("status", session.Status.ToWire());
        w.WriteNumber("leaseMs", (long)policy.Lease.TotalMilliseconds);
        w.WriteNumber("graceMs", (long)policy.Grace.TotalMilliseconds);
        w.WriteNumber("idleMs", (long)policy.Idle.TotalMilliseconds);
    });

    /// <summary>Acknowledges session_close (a logout of that session).</summary>
    public static byte[] SessionClosed(string sessionId, DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "session_closed");
        w.WriteString("timestamp", now.ToWire());
        w.WriteString("sessionId", sessionId);
    });

    public static byte[] Pong(DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "pong");
        w.WriteString("timestamp", now.ToWire());
    });

    /// <summary>Acknowledges a refresh_token: the socket now lives until the new token's expiry.</summary>
    public static byte[] TokenRefreshed(DateTimeOffset expiresAt, DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "token_refreshed");
        w.WriteString("timestamp", now.ToWire());
        w.WriteString("expiresAt", expiresAt.ToWire());
    });

    /// <summary>Acknowledges an unsubscribe; the socket stays open and may subscribe again.</summary>
    public static byte[] Unsubscribed(TopicIds topic, DateTimeOffset now) => Write(w =>
    {
        w.WriteString("type", "unsubscribed");
        w.WriteString("timestamp", now.ToWire());
        WriteTopic(w, topic);
    });

    private static void WriteTopic(Utf8JsonWriter w, TopicIds topic)
    {
        if (topic.OrgId is not null) w.WriteString("orgId", topic.OrgId);
        if (topic.UserId is not null) w.WriteString("userId", topic.UserId);
        if (topic.GroupId is not null) w.WriteString("groupId", topic.GroupId);
    }

    private static void WriteMemberFields(Utf8JsonWriter w, GroupMember member, DateTimeOffset now)
    {
        w.WriteString("userId", member.UserId);
        w.WriteString("displayName", member.DisplayName);
        w.WriteString("status", member.Status.ToWire());
        w.WriteString("extension", member.Extension);
        if (member.CallStartedAt is { } started && member.Status == PresenceStatus.OnCall)
        {
            w.WriteNumber("callDuration", WireTime.SecondsSince(started, now));
        }
        // Only while true: a wallboard flags the row; the common case costs no bytes.
        if (member.Stale) w.WriteBoolean("stale", true);
        WriteFigures(w, member);
    }

    /// <summary>Time in status and the reason beside it (issue 13): null when not known, or not away/dnd/busy.</summary>
    private static void WriteFigures(Utf8JsonWriter w, GroupMember member)
    {
        if (member.StatusSince is { } since) w.WriteString("statusSince", since.ToWire());
        else w.WriteNull("statusSince");
        w.WriteString("statusMessage", member.StatusMessage);
    }

    private static void WriteSummary(Utf8JsonWriter w, string name, GroupSummary s)
    {
        w.WriteStartObject(name);
        w.WriteNumber("totalMembers", s.TotalMembers);
        w.WriteNumber("available", s.Available);
        w.WriteNumber("busy", s.Busy);
        w.WriteNumber("onCall", s.OnCall);
        w.WriteNumber("away", s.Away);
        w.WriteNumber("dnd", s.Dnd);
        w.WriteNumber("offline", s.Offline);
        w.WriteNumber("loggedIn", s.LoggedIn);
        if (s.LongestIdle is { } idle)
        {
            w.WriteStartObject("longestIdle");
            w.WriteString("userId", idle.UserId);
            w.WriteString("since", idle.Since.ToWire());
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("longestIdle");
        }
        w.WriteEndObject();
    }

    private static void WriteQueue(Utf8JsonWriter w, QueueMetrics q, DateTimeOffset now)
    {
        w.WriteStartObject("queueMetrics");
        w.WriteNumber("callsWaiting", q.CallsWaiting);
        w.WriteNumber("averageWaitTime", q.AverageWaitSeconds);
        w.WriteNumber("longestWaitTime", q.OldestWaitingSince is { } oldest ? WireTime.SecondsSince(oldest, now) : 0);
        w.WriteNumber("serviceLevelThresholdSeconds", q.ServiceLevelThresholdSeconds);
        if (q.Window is { } window)
        {
            w.WriteStartObject("window");
            w.WriteNumber("minutes", window.Minutes);
            WriteOutcomes(w, window);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("window");
        }
        if (q.Today is { Since: { } since } today)
        {
            w.WriteStartObject("today");
            w.WriteString("since", since.ToWire());
            WriteOutcomes(w, today);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("today");
        }
        w.WriteEndObject();
    }

    private static void WriteOutcomes(Utf8JsonWriter w, QueuePeriod p)
    {
        w.WriteNumber("answered", p.Answered);
        w.WriteNumber("abandoned", p.Abandoned);
        if (p.AbandonRate is { } rate) w.WriteNumber("abandonRate", rate);
        else w.WriteNull("abandonRate");
        if (p.ServiceLevel is { } level) w.WriteNumber("serviceLevel", level);
        else w.WriteNull("serviceLevel");
    }

    private static void Header(Utf8JsonWriter w, string type, DateTimeOffset timestamp, long seq, bool? snapshot)
    {
        w.WriteString("type", type);
        w.WriteString("timestamp", timestamp.ToWire());
        w.WriteNumber("seq", seq);
        if (snapshot is { } s) w.WriteBoolean("snapshot", s);
    }

    // Frames go to JSON parsers, not into HTML: escape only what JSON requires, so "O'Brien" stays readable.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
