using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace FreedomCti.Presence.Gateway.Api;

// Request bodies. Every field is nullable so that a missing one is reported by validation as a 400 with the
// field's name, instead of surfacing as a binding failure.
//
// The attributes are the rules (Api/ApiRules.cs): .NET's validation enforces them before a handler runs, and the
// OpenAPI document describes them. Rules that need the grid (a member must exist) are the handlers' and grains'.

public sealed record OrganisationRequest(
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength), Description("The organisation's name; trimmed.")] string? Name,
    [property: Description("Settings to change; each one left out (or the whole object) keeps its current value.")] OrganisationSettingsRequest? Settings = null);

public sealed record OrganisationSettingsRequest(
    [property: Between(0, int.MaxValue), Description("Open sockets allowed across all gateways; 0 means the service default. Left out: kept.")] int? MaxConnections = null,
    [property: Description("Agent presence sessions, replaced as a whole (its fields left out take their defaults). Left out: kept.")] SessionSettingsRequest? Sessions = null,
    [property: Between(60, 86_400), Description("The longest a call may wait in a queue before it leaves as expired; default 3600. Applies to calls that enter a queue afterwards. Left out: kept.")] int? MaxQueueWaitSeconds = null,
    [property: IanaTimeZone, Description("IANA time zone id (e.g. Europe/London) where the queue figures' day starts; default UTC. Groups take it from their next call leaving the queue. Left out: kept.")] string? TimeZone = null,
    [property: Between(QueueTerms.MinWindowMinutes, QueueTerms.MaxWindowMinutes), Description("The rolling window of the queue figures in minutes; default 15. Groups take it from their next call leaving the queue. Left out: kept.")] int? QueueWindowMinutes = null);

/// <summary>Agent presence sessions for the organisation; omitted fields take the defaults (docs/presence-sessions.md).</summary>
public sealed record SessionSettingsRequest(
    [property: Description("Default true when the object is sent.")] bool? Enabled = null,
    [property: Between(2, 3600)] int? LeaseSeconds = null,
    [property: Between(0, 3600)] int? GraceSeconds = null,
    [property: Between(2, 86_400)] int? IdleSeconds = null,
    [property: Between(0, 60_000)] int? DebounceMs = null);

public sealed record SessionOpenRequest(
    [property: PresenceId, Description("Leave out to have the gateway make one (derived from the Idempotency-Key when one is sent).")] string? SessionId = null,
    [property: RequiredField, MaxChars(SessionEndpoints.MaxDeviceLength), Description("Names the client, e.g. desktop.")] string? Device = null,
    [property: WireStatus, Description("Default available.")] string? Status = null);

public sealed record SessionHeartbeatRequest(
    [property: WireStatus, Description("The session's new status; left out: unchanged.")] string? Status = null,
    [property: Description("The agent was active at the device (resets idle).")] bool? Activity = null);

[Description("Flags left out are set to true; they do not keep their stored value.")]
public sealed record CapabilitiesRequest(bool? CanReceiveCalls = null, bool? CanMakeOutbound = null, bool? CanTransfer = null);

public sealed record UserRequest(
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength), Description("Trimmed; must not be blank.")] string? DisplayName,
    [property: MaxChars(ApiValidation.MaxExtensionLength), Description("Leave out or blank for none.")] string? Extension = null,
    CapabilitiesRequest? Capabilities = null);

public sealed record GroupRequest(
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength)] string? GroupName,
    [property: PresenceIdList, Description("Exactly the group's members (user ids of the organisation); leaving it out means none.")] List<string?>? Members = null);

public sealed record MembersRequest(
    [property: RequiredField, PresenceIdList, Description("User ids of the organisation to add.")] List<string?>? UserIds);

public sealed record PresenceRequest(
    [property: RequiredField, WireStatus] string? Status,
    [property: MaxChars(ApiValidation.MaxStatusMessageLength), Description("Replaces the current message; leaving it out clears it.")] string? StatusMessage = null);

public sealed record CallRequest(
    [property: RequiredField, PresenceId, Description("The PBX's call id; the active call's id again is a no-op (200).")] string? CallId,
    [property: RequiredField, OneOf("inbound", "outbound")] string? Direction,
    [property: MaxChars(ApiValidation.MaxRemotePartyLength)] string? RemoteParty = null);

public sealed record QueueCallRequest(
    [property: RequiredField, PresenceId, Description("Idempotent per callId.")] string? CallId);

public sealed record QueueSettingsRequest(
    [property: RequiredField, Between(1, 3600), Description("The group's answer target: a call answered after waiting at most this long counts towards the service level. Default 20.")] int? ServiceLevelThresholdSeconds);

public sealed record DirectoryUserRequest(
    [property: RequiredField, PresenceId] string? UserId,
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength)] string? DisplayName,
    [property: MaxChars(ApiValidation.MaxExtensionLength)] string? Extension = null,
    CapabilitiesRequest? Capabilities = null);

public sealed record DirectoryGroupRequest(
    [property: RequiredField, PresenceId] string? GroupId,
    [property: RequiredField, MaxChars(ApiValidation.MaxNameLength)] string? GroupName,
    [property: PresenceIdList, Description("Users of the import or already in the organisation.")] List<string?>? Members = null);

public sealed record DirectoryRequest(List<DirectoryUserRequest?>? Users = null, List<DirectoryGroupRequest?>? Groups = null) : IValidatableObject
{
    // A null entry has nothing for the attributes to check; it is an error all the same.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var i in Nulls(Users)) yield return new ValidationResult("must be an object.", [$"users[{i}]"]);
        foreach (var i in Nulls(Groups)) yield return new ValidationResult("must be an object.", [$"groups[{i}]"]);
    }

    private static IEnumerable<int> Nulls<T>(List<T?>? items) where T : class =>
        (items ?? []).Select((item, i) => (item, i)).Where(x => x.item is null).Select(x => x.i);
}
