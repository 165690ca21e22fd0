using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FreedomCti.Presence.Gateway.Protocol;

namespace FreedomCti.Presence.Gateway.Api;

/// <summary>
/// Builds the REST answers as the records of Api/ApiDocuments.cs, which the OpenAPI document describes: what is
/// described is what is serialized. The user and group documents equal the snapshot frames a subscriber gets
/// (PresenceMessageWriter renders those once per topic for every socket); tests compare the two.
/// </summary>
public static class ApiDocumentMapping
{
    public static UserDocument Document(this UserSnapshot user, DateTimeOffset now) =>
        new("presence_update", user.ChangedAt, user.Seq, true, user.Presence(now));

    public static UserPresenceDocument Presence(this UserSnapshot user, DateTimeOffset now) => new(
        user.UserId,
        user.OrgId,
        user.Profile.DisplayName,
        user.Status.ToWire(),
        user.PreviousStatus.ToWire(),
        user.StatusMessage,
        user.LastActivity,
        user.ActiveCall is { } call
            ? new ActiveCallDocument(call.CallId, call.Direction == CallDirection.Inbound ? "inbound" : "outbound", call.RemoteParty,
                call.StartedAt, WireTime.SecondsSince(call.StartedAt, now))
            : null,
        user.Profile.Extension,
        new CapabilitiesDocument(user.Profile.Capabilities.CanReceiveCalls, user.Profile.Capabilities.CanMakeOutbound, user.Profile.Capabilities.CanTransfer),
        user.Stale,
        user.LastConfirmedAt,
        user.Source == PresenceSource.None ? null : user.Source.ToWire());

    public static GroupDocument Document(this GroupSnapshot group, DateTimeOffset now) => new(
        "group_presence_update", group.ChangedAt, group.Seq, true, new GroupPresenceDocument(
            group.GroupId,
            group.GroupName,
            group.OrgId,
            group.Summary.Document(),
            [.. group.Members.Select(m => new GroupMemberDocument(m.UserId, m.DisplayName, m.Status.ToWire(), m.Extension,
                m.CallStartedAt is { } started && m.Status == PresenceStatus.OnCall ? WireTime.SecondsSince(started, now) : null,
                m.Stale ? true : null, m.StatusSince, m.StatusMessage))],
            group.Queue.Document(now)));

    public static GroupSummaryDocument Document(this GroupSummary s) => new(
        s.TotalMembers, s.Available, s.Busy, s.OnCall, s.Away, s.Dnd, s.Offline, s.LoggedIn,
        s.LongestIdle is { } idle ? new LongestIdleDocument(idle.UserId, idle.Since) : null);

    public static QueueMetricsDocument Document(this QueueMetrics q, DateTimeOffset now) => new(
        q.CallsWaiting, q.AverageWaitSeconds, q.OldestWaitingSince is { } oldest ? WireTime.SecondsSince(oldest, now) : 0,
        q.ServiceLevelThresholdSeconds,
        q.Window is { } w ? new QueueWindowDocument(w.Minutes, w.Answered, w.Abandoned, w.AbandonRate, w.ServiceLevel) : null,
        q.Today is { Since: { } since } t ? new QueueTodayDocument(since, t.Answered, t.Abandoned, t.AbandonRate, t.ServiceLevel) : null);

    public static SessionDocument Document(this SessionInfo s) =>
        new(s.SessionId, s.Device, s.Status.ToWire(), s.Idle, s.OpenedAt, s.LastActivityAt, s.ExpiresAt);
}

/// <summary>Times in REST documents as on the wire: ISO-8601 UTC with milliseconds and "Z" (docs/protocol.md).</summary>
public sealed class WireTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToWire());
}
