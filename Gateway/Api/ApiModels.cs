namespace FreedomCti.Presence.Gateway.Api;

// Request bodies. Every field is nullable so that a missing one is reported by validation as a 400 with the
// field's name, instead of surfacing as a binding failure.

public sealed record OrganisationRequest(string? Name, OrganisationSettingsRequest? Settings);

public sealed record OrganisationSettingsRequest(int? MaxConnections, SessionSettingsRequest? Sessions);

/// <summary>Agent presence sessions for the organisation; omitted fields take the defaults (docs/presence-sessions.md).</summary>
public sealed record SessionSettingsRequest(bool? Enabled, int? LeaseSeconds, int? GraceSeconds, int? IdleSeconds, int? DebounceMs);

public sealed record SessionOpenRequest(string? SessionId, string? Device, string? Status);

public sealed record SessionHeartbeatRequest(string? Status, bool? Activity);

public sealed record CapabilitiesRequest(bool? CanReceiveCalls, bool? CanMakeOutbound, bool? CanTransfer);

public sealed record UserRequest(string? DisplayName, string? Extension, CapabilitiesRequest? Capabilities);

public sealed record GroupRequest(string? GroupName, List<string?>? Members);

public sealed record MembersRequest(List<string?>? UserIds);

public sealed record PresenceRequest(string? Status, string? StatusMessage);

public sealed record CallRequest(string? CallId, string? Direction, string? RemoteParty);

public sealed record QueueCallRequest(string? CallId);

public sealed record DirectoryUserRequest(string? UserId, string? DisplayName, string? Extension, CapabilitiesRequest? Capabilities);

public sealed record DirectoryGroupRequest(string? GroupId, string? GroupName, List<string?>? Members);

public sealed record DirectoryRequest(List<DirectoryUserRequest?>? Users, List<DirectoryGroupRequest?>? Groups);
