// holdSession against the tiny scripted server: a new session with the latest status on every live socket, throttled
// activity, an error answering session_open that leaves presence updates alone, and close() as a logout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../src/index.js';
import { startTinyServer } from './support/tiny-ws-server.mjs';
import { poll } from './support/gateway.mjs';

const ORG = 'org-t';
const userFrame = (seq, status, snapshot = false) => ({
  type: 'presence_update', timestamp: new Date().toISOString(), seq, snapshot,
  data: { userId: 'u1', orgId: ORG, displayName: 'Ann', status, previousStatus: 'offline', statusMessage: null,
    lastActivity: new Date().toISOString(), activeCall: null, extension: '201', capabilities: {}, source: 'session' },
});

/**
 * A user socket that holds sessions: subscribe gets a snapshot at seq 1, session_open gets session_opened with id
 * s-<socket number>, session_close gets session_closed (unless `answerClose` is false). `onSession` sees the rest.
 */
function sessionServer({ idleMs = 300000, answerClose = true, onSession = () => {} } = {}) {
  return (connection, n) => connection.on('message', (m) => {
    m.at = Date.now();
    if (m.action === 'subscribe') connection.send(userFrame(1, 'available', true));
    if (m.action === 'session_open') {
      connection.send({ type: 'session_opened', timestamp: new Date().toISOString(), sessionId: `s-${n}`, device: m.device,
        status: m.status, leaseMs: 2000, graceMs: 2000, idleMs });
    }
    if (m.action === 'session_close' && answerClose) connection.send({ type: 'session_closed', timestamp: new Date().toISOString(), sessionId: m.sessionId });
    onSession(connection, m, n);
  });
}

const sessionMessages = (connection) => connection.messages.filter((m) => m.action?.startsWith('session_')).map(({ at, ...m }) => m);

function recordSession(session) {
  const events = [];
  session.on('session', (e) => events.push(e));
  return events;
}

test('every live socket opens a new session with the latest status, and updates use the new id', async (t) => {
  const server = await startTinyServer(sessionServer());
  const client = connect({ url: server.url, token: 't', backoff: { initialMs: 10, maxMs: 20 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const session = client.holdSession(ORG, 'u1', { device: 'desktop', status: 'available' });
  const events = recordSession(session);
  await poll(() => session.sessionId === 's-1', 'the first session');
  session.setStatus('busy');
  await poll(() => server.connections[0].messages.some((m) => m.status === 'busy'), 'the update');

  // The socket drops; the server asks for 400 ms, and the agent changes status meanwhile.
  server.connections[0].fail(1011, 'SERVER_ERROR', { retryAfterMs: 400 });
  await poll(() => session.subscription.status === 'reconnecting', 'reconnecting');
  assert.equal(session.sessionId, null);
  session.setStatus('dnd');
  session.activity(); // nothing to send without a session: the open counts as activity
  await poll(() => session.sessionId === 's-2', 'the session on the new socket');
  session.setStatus('away');
  await poll(() => server.connections[1].messages.some((m) => m.status === 'away'), 'the update on the new socket');

  assert.deepEqual(sessionMessages(server.connections[0]), [
    { action: 'session_open', device: 'desktop', status: 'available', userId: 'u1' },
    { action: 'session_update', sessionId: 's-1', status: 'busy' },
  ]);
  assert.deepEqual(sessionMessages(server.connections[1]), [
    { action: 'session_open', device: 'desktop', status: 'dnd', userId: 'u1' },
    { action: 'session_update', sessionId: 's-2', status: 'away' },
  ]);
  // On the organisation socket, shared with the client's other topics; session_open names the user (above).
  assert.deepEqual(server.connections.map((c) => c.url.pathname), [`/organisation/${ORG}`, `/organisation/${ORG}`]);
  // The subscribe comes first on each socket: the session opens once the socket is live.
  assert.equal(server.connections[1].messages[0].action, 'subscribe');
  assert.deepEqual(events.map((e) => [e.type, e.sessionId, e.status ?? e.reason]),
    [['opened', 's-1', 'available'], ['closed', 's-1', 'disconnected'], ['opened', 's-2', 'dnd']]);
  assert.equal(session.status, 'away');
  assert.deepEqual(session.policy, { leaseMs: 2000, graceMs: 2000, idleMs: 300000 });
});

test('activity is throttled to once per idleMs/4, and the last report inside an interval is sent when it ends', async (t) => {
  const server = await startTinyServer(sessionServer({ idleMs: 1200 })); // interval 300 ms
  // Send times taken in the client, so the server's read latency cannot blur the gaps.
  const sent = [];
  class RecordingWebSocket extends globalThis.WebSocket {
    send(data) {
      sent.push({ at: Date.now(), ...JSON.parse(data) });
      super.send(data);
    }
  }
  const client = connect({ url: server.url, token: 't', WebSocket: RecordingWebSocket });
  t.after(async () => { await client.close(); await server.stop(); });
  const session = client.holdSession(ORG, 'u1', { device: 'desktop', status: 'available' });
  let openedAt;
  session.on('session', (e) => { if (e.type === 'opened') openedAt = Date.now(); });
  await poll(() => session.sessionId === 's-1', 'the session');

  // A busy user: 45 reports over about 900 ms.
  const started = Date.now();
  for (let i = 0; i < 45; i++) {
    session.activity();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const lastReport = Date.now();
  await poll(() => sent.filter((m) => m.activity).at(-1)?.at >= lastReport, 'the trailing report', { timeoutMs: 2000 });
  await new Promise((resolve) => setTimeout(resolve, 400)); // one more interval: nothing else may come
  const updates = sent.filter((m) => m.action === 'session_update');
  assert.ok(updates.every((m) => m.activity === true && m.sessionId === 's-1' && m.status === undefined), JSON.stringify(updates));
  // session_opened counts as activity, so the interval runs from it.
  const times = [openedAt, ...updates.map((m) => m.at)];
  const gaps = times.slice(1).map((at, i) => at - times[i]);
  assert.ok(gaps.every((gap) => gap >= 298), `gaps ${gaps}`); // a timer may fire a millisecond early against Date.now()
  const span = lastReport - started;
  assert.ok(updates.length >= 3 && updates.length <= Math.ceil(span / 300) + 1, `${updates.length} updates in ${span} ms`);
  await poll(() => server.connections[0].messages.filter((m) => m.activity).length === updates.length, 'the server to get them all');
});

test('an error answering session_open is a session error event; the presence updates go on', async (t) => {
  const description = "Organisation 'org-t' does not use presence sessions.";
  const server = await startTinyServer((connection) => connection.on('message', (m) => {
    if (m.action === 'subscribe') connection.send(userFrame(1, 'available', true));
    if (m.action === 'session_open') {
      connection.send({ type: 'error', code: 4000, message: 'INVALID_MESSAGE', description });
      setTimeout(() => connection.send(userFrame(2, 'busy')), 50);
    }
  }));
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const states = [];
  const session = client.holdSession(ORG, 'u1', { status: 'available' }, (state) => states.push(state.status));
  const events = recordSession(session);
  const statuses = [];
  session.on('status', (e) => statuses.push(e.status));
  await poll(() => session.state?.status === 'busy', 'the presence update after the error');
  assert.deepEqual(events, [{ type: 'error', code: 4000, message: 'INVALID_MESSAGE', description, action: 'session_open' }]);
  assert.deepEqual(states, ['available', 'busy']);
  assert.equal(session.subscription.status, 'live');
  assert.deepEqual(statuses, ['connecting', 'live']);
  assert.equal(session.sessionId, null);
  session.setStatus('dnd'); // recorded for the next socket, not sent on this one
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(server.connections.length, 1);
  assert.deepEqual(server.connections[0].messages.filter((m) => m.action?.startsWith('session_')).length, 1, 'no retry on the same socket');
});

test('close() sends session_close, waits for session_closed, then unsubscribes; resolves true', async (t) => {
  const server = await startTinyServer(sessionServer());
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const session = client.holdSession(ORG, 'u1', { status: 'busy' });
  const events = recordSession(session);
  await poll(() => session.sessionId === 's-1', 'the session');
  assert.equal(await session.close(), true);
  const connection = server.connections[0];
  await poll(() => connection.closed, 'the socket to close');
  assert.deepEqual(connection.messages.filter((m) => m.action).map((m) => m.action), ['subscribe', 'session_open', 'session_close', 'unsubscribe']);
  assert.deepEqual(events.map((e) => [e.type, e.reason ?? null]), [['opened', null], ['closed', 'logout']]);
  assert.equal(session.subscription.status, 'closed');
  assert.throws(() => session.setStatus('available'), /closed/);
});

test('close() without an answer gives up after closeTimeoutMs, unsubscribes, and resolves false', async (t) => {
  const server = await startTinyServer(sessionServer({ answerClose: false }));
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const session = client.holdSession(ORG, 'u1', { status: 'busy', closeTimeoutMs: 300 });
  const events = recordSession(session);
  await poll(() => session.sessionId === 's-1', 'the session');
  const started = Date.now();
  assert.equal(await session.close(), false);
  const waited = Date.now() - started;
  assert.ok(waited >= 290 && waited < 2500, `close took ${waited} ms`);
  assert.equal(session.subscription.status, 'closed');
  assert.deepEqual(events.map((e) => [e.type, e.reason ?? null]), [['opened', null], ['closed', 'disconnected']]);
});

test('holdSession checks its options before opening a socket', async (t) => {
  const server = await startTinyServer(sessionServer());
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  assert.throws(() => client.holdSession(ORG, 'u1', { status: 'lunch' }), /status must be one of/);
  assert.throws(() => client.holdSession(ORG, 'u1', { closeTimeoutMs: 0 }), /closeTimeoutMs/);
  assert.throws(() => client.holdSession(ORG, '', {}), /userId/);
  assert.equal(client.subscriptions.length, 0);
  assert.equal(server.connections.length, 0);
});
