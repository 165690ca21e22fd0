// The wire facts of docs/protocol.md the client relies on, in one place: the close and error codes with what they
// mean for a client, and the presence statuses. Tests/Gateway.Tests compares these tables with the gateway's own
// (Gateway/Protocol/PresenceCloseCodes.cs, Grains.Interfaces/PresenceStatus.cs), docs/asyncapi.yaml and the docs.

/**
 * Every code the gateway sends in an error frame. `closes`: whether the error frame is followed by a close with the
 * same code (on a topic socket; on the organisation socket an error naming a topic ends only that subscription).
 * `retry`: 'never' (a wrong path, id, access or client: do not retry), 'new-token' (retry only with a fresh token),
 * 'after-hint' (retry, waiting at least the frame's retryAfterMs).
 */
export const CLOSE_CODES = Object.freeze([
  { code: 4000, message: 'INVALID_MESSAGE', closes: false, retry: 'never' },
  { code: 4001, message: 'INVALID_ORG_ID', closes: true, retry: 'never' },
  { code: 4002, message: 'INVALID_USER_ID', closes: true, retry: 'never' },
  { code: 4003, message: 'UNAUTHORIZED', closes: true, retry: 'new-token' },
  { code: 4004, message: 'SUBSCRIPTION_FAILED', closes: true, retry: 'after-hint' },
  { code: 4005, message: 'INVALID_GROUP_ID', closes: true, retry: 'never' },
  { code: 4006, message: 'GROUP_ACCESS_DENIED', closes: true, retry: 'never' },
  { code: 4008, message: 'CONNECTION_LIMIT_EXCEEDED', closes: true, retry: 'after-hint' },
  { code: 4009, message: 'SUBSCRIPTION_LIMIT_EXCEEDED', closes: false, retry: 'never' },
  { code: 1003, message: 'UNSUPPORTED_DATA', closes: true, retry: 'never' },
  { code: 1008, message: 'RATE_LIMITED', closes: true, retry: 'never' },
  { code: 1009, message: 'MESSAGE_TOO_BIG', closes: true, retry: 'never' },
  { code: 1011, message: 'SERVER_ERROR', closes: true, retry: 'after-hint' },
  { code: 1012, message: 'SERVICE_RESTART', closes: true, retry: 'after-hint' },
  { code: 1013, message: 'SLOW_CONSUMER', closes: true, retry: 'after-hint' },
].map(Object.freeze));

/** The six presence statuses, as the wire spells them. */
export const STATUSES = Object.freeze(['available', 'busy', 'on_call', 'away', 'dnd', 'offline']);

/** What decided a user's status (the `source` field), as the wire spells it; null for a new user. */
export const SOURCES = Object.freeze(['manual', 'call', 'session', 'idle', 'expired', 'logout']);
