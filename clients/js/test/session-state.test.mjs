// The pure session reducer: what is sent and reported on live, lost, replies, setStatus, activity and close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  activityIntervalMs, closeSession, createSession, flushActivity, receiveFrame, reportActivity, setStatus, socketLive, socketLost,
} from '../src/session-state.js';

const opened = (sessionId, extra = {}) => ({ type: 'session_opened', sessionId, device: 'desktop', status: 'available', leaseMs: 60000, graceMs: 30000, idleMs: 300000, ...extra });
const sessionError = (description) => ({ type: 'error', code: 4000, message: 'INVALID_MESSAGE', description });

/** Runs steps in order; returns the last session and everything sent and reported. */
function run(session, ...steps) {
  const sent = [];
  const events = [];
  for (const step of steps) {
    const r = step(session);
    session = r.session;
    if (r.send) sent.push(r.send);
    events.push(...r.events);
  }
  return { session, sent, events };
}

const openSession = (id = 's-1', frame = {}) => run(createSession(), socketLive, (s) => receiveFrame(s, opened(id, frame), 0)).session;

test('options: device and status are checked; defaults are desktop and available', () => {
  assert.deepEqual([createSession().device, createSession().status], ['desktop', 'available']);
  assert.throws(() => createSession({ status: 'lunch' }), /status must be one of available, busy, on_call, away, dnd, offline/);
  assert.throws(() => createSession({ device: '' }), /device/);
  assert.throws(() => createSession({ device: 'x'.repeat(65) }), /64/);
});

test('each live socket opens a session with the current status; a lost socket reports the session closed as disconnected', () => {
  const { session, sent, events } = run(createSession({ device: 'desk', status: 'busy' }),
    socketLive,
    (s) => receiveFrame(s, opened('s-1', { device: 'desk', status: 'busy', idleMs: 8000 }), 0),
    socketLost,
    (s) => setStatus(s, 'dnd', 10),
    socketLive,
    (s) => receiveFrame(s, opened('s-2', { device: 'desk', status: 'dnd' }), 20));
  assert.deepEqual(sent, [
    { action: 'session_open', device: 'desk', status: 'busy' },
    { action: 'session_open', device: 'desk', status: 'dnd' },
  ]);
  assert.deepEqual(events.map((e) => [e.type, e.sessionId, e.reason ?? e.status]),
    [['opened', 's-1', 'busy'], ['closed', 's-1', 'disconnected'], ['opened', 's-2', 'dnd']]);
  assert.deepEqual(events[0], { type: 'opened', sessionId: 's-1', device: 'desk', status: 'busy', leaseMs: 60000, graceMs: 30000, idleMs: 8000 });
  assert.equal(session.sessionId, 's-2');
  assert.equal(session.phase, 'open');
});

test('setStatus on an open session sends session_update; the same status again sends nothing', () => {
  const { sent } = run(openSession(), (s) => setStatus(s, 'busy', 5), (s) => setStatus(s, 'busy', 6));
  assert.deepEqual(sent, [{ action: 'session_update', sessionId: 's-1', status: 'busy' }]);
  assert.throws(() => setStatus(openSession(), 'lunch', 0), TypeError);
});

test('setStatus while the open is on its way: the session is corrected as soon as it is opened', () => {
  const { sent, session } = run(createSession(), socketLive, (s) => setStatus(s, 'away', 1), (s) => receiveFrame(s, opened('s-1'), 2));
  assert.deepEqual(sent.at(-1), { action: 'session_update', sessionId: 's-1', status: 'away' });
  assert.equal(session.status, 'away');
});

test('activity: sent at once, then at most once per interval; a report inside the interval is sent when it ends', () => {
  assert.equal(activityIntervalMs(null), 30000);
  assert.equal(activityIntervalMs({ idleMs: 300000 }), 30000);
  assert.equal(activityIntervalMs({ idleMs: 8000 }), 2000);
  const open = openSession('s-1', { idleMs: 8000 }); // opened at 0: the open counts as activity
  let r = reportActivity(open, 500);
  assert.equal(r.send, null);
  assert.equal(r.wakeAt, 2000);
  r = reportActivity(r.session, 1500); // still inside: nothing more to send, the same wake-up
  assert.equal(r.send, null);
  assert.equal(r.wakeAt, 2000);
  r = flushActivity(r.session, 2000);
  assert.deepEqual(r.send, { action: 'session_update', sessionId: 's-1', activity: true });
  assert.equal(flushActivity(r.session, 9000).send, null, 'nothing was reported since');
  assert.deepEqual(reportActivity(r.session, 4000).send, { action: 'session_update', sessionId: 's-1', activity: true });
  // A status change is activity too: it restarts the interval.
  const afterStatus = setStatus(open, 'busy', 3000).session;
  assert.equal(reportActivity(afterStatus, 4000).wakeAt, 5000);
  // Without an open session, nothing is kept: session_open counts as activity.
  assert.equal(reportActivity(createSession(), 0).send, null);
  assert.equal(reportActivity(createSession(), 0).session.activityPending, false);
});

test('an error answering session_open is reported and not retried on that socket', () => {
  const { session, sent, events } = run(createSession(), socketLive,
    (s) => receiveFrame(s, sessionError("Organisation 'o' does not use presence sessions."), 0));
  assert.equal(sent.length, 1);
  assert.deepEqual(events, [{ type: 'error', code: 4000, message: 'INVALID_MESSAGE', description: "Organisation 'o' does not use presence sessions.", action: 'session_open' }]);
  assert.equal(session.phase, 'idle');
  assert.equal(session.sessionId, null);
  // The next live socket tries again.
  assert.deepEqual(socketLive(session).send, { action: 'session_open', device: 'desktop', status: 'available' });
});

test('an error answering session_update (the gateway lost the session): reported, and the session is opened again', () => {
  const { session, sent, events } = run(openSession(), (s) => setStatus(s, 'dnd', 1),
    (s) => receiveFrame(s, sessionError('Unknown session (its lease may have run out); send session_open again.'), 2));
  assert.deepEqual(sent.at(-1), { action: 'session_open', device: 'desktop', status: 'dnd' });
  assert.deepEqual(events.map((e) => [e.type, e.action ?? e.reason]), [['error', 'session_update'], ['closed', 'expired']]);
  assert.equal(session.phase, 'opening');
});

test('error frames that close the socket (not 4000) and errors with no session message out are not the session\'s', () => {
  assert.deepEqual(receiveFrame(openSession(), { type: 'error', code: 4003, message: 'UNAUTHORIZED' }, 0).events, []);
  assert.deepEqual(receiveFrame(createSession(), sessionError('x'), 0).events, []);
});

test('close: session_close, and session_closed for that id ends it as a logout', () => {
  const { session, sent, events } = run(openSession(), closeSession,
    (s) => receiveFrame(s, { type: 'session_closed', sessionId: 'other' }, 0),
    (s) => receiveFrame(s, { type: 'session_closed', sessionId: 's-1' }, 0));
  assert.deepEqual(sent, [{ action: 'session_close', sessionId: 's-1' }]);
  assert.deepEqual(events, [{ type: 'closed', sessionId: 's-1', reason: 'logout' }]);
  assert.deepEqual([session.phase, session.loggedOut], ['closed', true]);
  assert.throws(() => setStatus(session, 'busy', 0), /closed/);
  assert.equal(socketLive(session).send, null, 'a closed session is not opened again');
});

test('close while the open is on its way: the session is closed as soon as it has an id', () => {
  const { sent } = run(createSession(), socketLive, closeSession, (s) => receiveFrame(s, opened('s-9'), 0));
  assert.deepEqual(sent.at(-1), { action: 'session_close', sessionId: 's-9' });
});

test('close without a live socket has nothing to send and is closed at once', () => {
  const { session, sent } = run(createSession(), closeSession);
  assert.deepEqual([session.phase, session.loggedOut, sent.length], ['closed', false, 0]);
});

test('close, then the socket is lost before session_closed: closed as disconnected, not logged out', () => {
  const { session, events } = run(openSession(), closeSession, socketLost);
  assert.deepEqual(events, [{ type: 'closed', sessionId: 's-1', reason: 'disconnected' }]);
  assert.deepEqual([session.phase, session.loggedOut], ['closed', false]);
});
