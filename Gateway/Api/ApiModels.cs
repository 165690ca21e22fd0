using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace FreedomCti.Presence.Gateway.Api;

// Request bodies. Every field is nullable so that a missing one is reported by validation as a 400 with the
// field's name, instead of surfacing as a binding failure.
//
// The attributes describe the rules of ApiValidation to the OpenAPI document only (minimal-API validation is not
// switched on): ApiValidation stays the one place that enforces them.

public sealed record OrganisationRequest(
    [property: Required, StringLength(ApiValidation.MaxNameLength), Description("The organisation's name; trimmed.")] string? Name,
    [property: Description("Leave out to keep the current settings.")] OrganisationSettingsRequest? Settings = null);

public sealed record OrganisationSettingsRequest(
    [property: Range(0, int.MaxValue), Description("Open sockets allowed across all gateways; 0 means the service default.")] int? MaxConnections = null,
    [property: Description("Agent presence sessions; leave out to keep the current rules.")] SessionSettingsRequest? Sessions = null,
    [property: Range(60, 86_400), Description("The longest a call may wait in a queue before it leaves as expired; default 3600. Applies to calls that enter a queue afterwards.")] int? MaxQueueWaitSeconds = null);

/// <summary>Agent presence sessions for the organisation; omitted fields take the defaults (docs/presence-sessions.md).</summary>
public sealed record SessionSettingsRequest(
    [property: Description("Default true when the object is sent.")] bool? Enabled = null,
    [property: Range(2, 3600)] int? LeaseSeconds = null,
    [property: Range(0, 3600)] int? GraceSeconds = null,
    [property: Range(2, 86_400)] int? IdleSeconds = null,
    [property: Range(0, 60_000)] int? DebounceMs = null);

public sealed record SessionOpenRequest(
    [property: RegularExpression(PresenceIds.Pattern), Description("Leave out to have the gateway make one.")] string? SessionId = null,
    [property: Required, StringLength(SessionEndpoints.MaxDeviceLength), Description("Names the client, e.g. desktop.")] string? Device = null,
    [property: AllowedValues(WireStatuses.Available, WireStatuses.Busy, WireStatuses.OnCall, WireStatuses.Away, WireStatuses.Dnd, WireStatuses.Offline),
               Description("Default available.")] string? Status = null);

public sealed record SessionHeartbeatRequest(
    [property: AllowedValues(WireStatuses.Available, WireStatuses.Busy, WireStatuses.OnCall, WireStatuses.Away, WireStatuses.Dnd, WireStatuses.Offline, null)] string? Status = null,
    [property: Description("The agent was active at the device (resets idle).")] bool? Activity = null);

[Description("Flags left out are set to true; they do not keep their stored value.")]
public sealed record CapabilitiesRequest(bool? CanReceiveCalls = null, bool? CanMakeOutbound = null, bool? CanTransfer = null);

public sealed record UserRequest(
    [property: Required, StringLength(ApiValidation.MaxNameLength), Description("Trimmed; must not be blank.")] string? DisplayName,
    [property: StringLength(ApiValidation.MaxExtensionLength), Description("Leave out or blank for none.")] string? Extension = null,
    CapabilitiesRequest? Capabilities = null);

public sealed record GroupRequest(
    [property: Required, StringLength(ApiValidation.MaxNameLength)] string? GroupName,
    [property: Description("Exactly the group's members (user ids of the organisation); leaving it out means none.")] List<string?>? Members = null);

public sealed record MembersRequest(
    [property: Required, Description("User ids of the organisation to add.")] List<string?>? UserIds);

public sealed record PresenceRequest(
    [property: Required, AllowedValues(WireStatuses.Available, WireStatuses.Busy, WireStatuses.OnCall, WireStatuses.Away, WireStatuses.Dnd, WireStatuses.Offline)] string? Status,
    [property: StringLength(ApiValidation.MaxStatusMessageLength), Description("Replaces the current message; leaving it out clears it.")] string? StatusMessage = null);

public sealed record CallRequest(
    [property: Required, RegularExpression(PresenceIds.Pattern)] string? CallId,
    [property: Required, AllowedValues("inbound", "outbound")] string? Direction,
    [property: StringLength(ApiValidation.MaxRemotePartyLength)] string? RemoteParty = null);

public sealed record QueueCallRequest(
    [property: Required, RegularExpression(PresenceIds.Pattern), Description("Idempotent per callId.")] string? CallId);

public sealed record DirectoryUserRequest(
    [property: Required, RegularExpression(PresenceIds.Pattern)] string? UserId,
    [property: Required, StringLength(ApiValidation.MaxNameLength)] string? DisplayName,
    [property: StringLength(ApiValidation.MaxExtensionLength)] string? Extension = null,
    CapabilitiesRequest? Capabilities = null);

public sealed record DirectoryGroupRequest(
    [property: Required, RegularExpression(PresenceIds.Pattern)] string? GroupId,
    [property: Required, StringLength(ApiValidation.MaxNameLength)] string? GroupName,
    [property: Description("Users of the import or already in the organisation.")] List<string?>? Members = null);

public sealed record DirectoryRequest(List<DirectoryUserRequest?>? Users = null, List<DirectoryGroupRequest?>? Groups = null);
