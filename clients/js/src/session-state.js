// The client's side of one in-band presence session (docs/presence-sessions.md) as a pure reducer. It decides what to
// send and what to report when the socket goes live or is lost, when a session frame arrives, and when the app sets a
// status, reports activity or logs out. It has no sockets and no timers: src/presence-session.js drives it.
//
// - Each live socket opens its own session with the CURRENT status. The gateway ends a socket's session when the
//   socket closes, so a reconnect cannot keep the old one; the grace period covers the gap, so there is no flicker.
// - Error frames carry no request id. On the agent's socket the client sends nothing else that the gateway answers
//   with a 4000 error while leaving the socket open (it never sends a malformed subscribe or refresh_token; on the
//   organisation socket the errors of a subscribe name their topic and go to it), so a 4000 is read as the answer
//   to the last session message.
// - session_update has no reply on success, so an update is assumed to work until an error says otherwise.

import { STATUSES } from './protocol.js';

export const SESSION_STATUSES = STATUSES;
export const MAX_DEVICE_LENGTH = 64;
/** Activity is reported at most this often, and more often only when the organisation's idle time is short. */
export const MAX_ACTIVITY_INTERVAL_MS = 30000;
const INVALID_MESSAGE = 4000;

/**
 * A session that is not open yet. Phases: 'idle' (no live socket), 'opening' (session_open sent), 'open',
 * 'closing' (logout asked for), 'closed' (final).
 */
export function createSession({ device = 'desktop', status = 'available' } = {}) {
  if (typeof device !== 'string' || device.trim().length === 0 || device.length > MAX_DEVICE_LENGTH) {
    throw new TypeError(`device must be a non-empty string of at most ${MAX_DEVICE_LENGTH} characters`);
  }
  checkStatus(status);
  return freeze({ phase: 'idle', device, status, sessionId: null, policy: null, lastAction: null, activityAt: null,
    activityPending: false, loggedOut: false });
}

export function checkStatus(status) {
  if (!SESSION_STATUSES.includes(status)) throw new TypeError(`status must be one of ${SESSION_STATUSES.join(', ')}`);
}

/** How often activity is sent: a quarter of the idle time, so idle fires at most a quarter late, and at most 30 s. */
export function activityIntervalMs(policy) {
  return policy && Number.isFinite(policy.idleMs) && policy.idleMs > 0
    ? Math.min(MAX_ACTIVITY_INTERVAL_MS, policy.idleMs / 4)
    : MAX_ACTIVITY_INTERVAL_MS;
}

/** The socket went live (first connect or a reconnect): open a session on it with the current status. */
export function socketLive(session) {
  if (session.phase === 'closing' || session.phase === 'closed') return result(session);
  return open(session);
}

/** The socket is gone (reconnecting, failed or closed): the gateway ends its session as disconnected. */
export function socketLost(session) {
  const events = session.sessionId !== null ? [{ type: 'closed', sessionId: session.sessionId, reason: 'disconnected' }] : [];
  const phase = session.phase === 'closing' || session.phase === 'closed' ? 'closed' : 'idle';
  return result(freeze({ ...session, phase, sessionId: null, activityPending: false }), null, events);
}

/** A frame that is not a topic frame: session_opened, session_closed, error; anything else is not ours. */
export function receiveFrame(session, frame, nowMs) {
  if (frame?.type === 'session_opened') return opened(session, frame, nowMs);
  if (frame?.type === 'session_closed') {
    if (session.phase !== 'closing' || frame.sessionId !== session.sessionId) return result(session);
    return result(freeze({ ...session, phase: 'closed', sessionId: null, loggedOut: true }), null,
      [{ type: 'closed', sessionId: frame.sessionId, reason: 'logout' }]);
  }
  if (frame?.type === 'error' && frame.code === INVALID_MESSAGE) return rejected(session, frame);
  return result(session);
}

/** The app chose a status: sent now if the session is open, otherwise with the next session_open. */
export function setStatus(session, status, nowMs) {
  checkStatus(status);
  if (session.phase === 'closing' || session.phase === 'closed') throw new Error('the session is closed');
  if (status === session.status) return result(session);
  const next = freeze({ ...session, status });
  if (next.phase !== 'open') return result(next);
  // Choosing a status is activity too (the gateway counts it), so it restarts the activity interval.
  return result(freeze({ ...next, lastAction: 'session_update', activityAt: nowMs, activityPending: false }),
    { action: 'session_update', sessionId: next.sessionId, status });
}

/**
 * The user did something. Sent at most once per activity interval; a report inside the interval is sent when it
 * ends (`wakeAt`: call flushActivity then). Without an open session nothing is kept: session_open counts as activity.
 */
export function reportActivity(session, nowMs) {
  if (session.phase !== 'open') return result(session);
  const dueAt = session.activityAt === null ? nowMs : session.activityAt + activityIntervalMs(session.policy);
  if (nowMs < dueAt) return { ...result(session.activityPending ? session : freeze({ ...session, activityPending: true })), wakeAt: dueAt };
  return result(freeze({ ...session, lastAction: 'session_update', activityAt: nowMs, activityPending: false }),
    { action: 'session_update', sessionId: session.sessionId, activity: true });
}

/** The activity interval ended: send the activity reported during it, if any. */
export function flushActivity(session, nowMs) {
  return session.activityPending ? reportActivity(session, nowMs) : result(session);
}

/** Logout: session_close for an open session (or as soon as a pending open is answered); nothing to send without one. */
export function closeSession(session) {
  if (session.phase === 'open') {
    return result(freeze({ ...session, phase: 'closing', lastAction: 'session_close', activityPending: false }),
      { action: 'session_close', sessionId: session.sessionId });
  }
  if (session.phase === 'opening') return result(freeze({ ...session, phase: 'closing' }));
  if (session.phase === 'idle') return result(freeze({ ...session, phase: 'closed' }));
  return result(session);
}

function open(session) {
  return result(freeze({ ...session, phase: 'opening', sessionId: null, lastAction: 'session_open', activityPending: false }),
    { action: 'session_open', device: session.device, status: session.status });
}

function opened(session, frame, nowMs) {
  if (typeof frame.sessionId !== 'string' || session.sessionId !== null) return result(session);
  if (session.phase === 'closing') {
    // close() came while the open was on its way: log this session out now that it has an id.
    return result(freeze({ ...session, sessionId: frame.sessionId, lastAction: 'session_close' }),
      { action: 'session_close', sessionId: frame.sessionId });
  }
  if (session.phase !== 'opening') return result(session);
  const policy = freeze({ leaseMs: frame.leaseMs ?? null, graceMs: frame.graceMs ?? null, idleMs: frame.idleMs ?? null });
  const next = freeze({ ...session, phase: 'open', sessionId: frame.sessionId, policy, activityAt: nowMs });
  const event = { type: 'opened', sessionId: frame.sessionId, device: frame.device ?? session.device,
    status: frame.status ?? session.status, ...policy };
  // setStatus while the open was on its way: the session was opened with the old status.
  if (frame.status === undefined || frame.status === session.status) return result(next, null, [event]);
  return result(freeze({ ...next, lastAction: 'session_update' }), { action: 'session_update', sessionId: next.sessionId, status: session.status }, [event]);
}

function rejected(session, frame) {
  const { phase, lastAction } = session;
  if (phase === 'idle' || phase === 'closed') return result(session);
  const events = [{ type: 'error', code: frame.code, message: frame.message ?? 'INVALID_MESSAGE', description: frame.description ?? '', action: lastAction }];
  // A failed open (sessions disabled, another user's socket, too many sessions) is not retried on this socket:
  // the presence updates go on, and the next live socket tries again.
  if (phase === 'opening') return result(freeze({ ...session, phase: 'idle' }), null, events);
  if (phase === 'closing') {
    // The gateway does not know the session (its lease ran out): there is nothing left to log out.
    const id = session.sessionId;
    const closed = id !== null ? [{ type: 'closed', sessionId: id, reason: 'expired' }] : [];
    return result(freeze({ ...session, phase: 'closed', sessionId: null }), null, [...events, ...closed]);
  }
  // An update was refused: statuses are checked here, so the gateway no longer knows the session. It asks for a
  // session_open again, which is what the gateway's own renewer does when a lease ran out under a live socket.
  return { ...open(session), events: [...events, { type: 'closed', sessionId: session.sessionId, reason: 'expired' }] };
}

function result(session, send = null, events = []) {
  return { session, send, events: events.map(freeze) };
}

function freeze(value) {
  return Object.freeze(value);
}
