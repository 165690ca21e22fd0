// holdSession against the real gateway (Release build) with sessions enabled on a fresh organisation under short
// timings (lease 2 s, grace 2 s, no debounce): the session decides the user's status, a reconnect opens a new session
// without an offline flicker, a desktop that vanishes goes stale and then offline, and an organisation without
// sessions answers with a session error while presence goes on.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from '../src/index.js';
import { Grid, poll } from './support/gateway.mjs';
import { startTcpProxy } from './support/tcp-proxy.mjs';

const ORG = `org-js-sessions-${randomBytes(4).toString('hex')}`;
const ORG_WITHOUT = `org-js-no-sessions-${randomBytes(4).toString('hex')}`;
const LEASE_MS = 2000;
const GRACE_MS = 2000;

let grid;
let gateway;
const cleanups = [];

before(async () => {
  grid = await Grid.start();
  gateway = grid.gateways[0];
  await admin('PUT', `/organisation/${ORG}`, {
    name: 'JS sessions',
    settings: { sessions: { enabled: true, leaseSeconds: LEASE_MS / 1000, graceSeconds: GRACE_MS / 1000, idleSeconds: 3600, debounceMs: 0 } },
  });
  for (const id of ['u1', 'u2', 'u3']) await admin('PUT', `/organisation/${ORG}/user/${id}`, { displayName: `Agent ${id}`, extension: '2001' });
  await admin('PUT', `/organisation/${ORG_WITHOUT}`, { name: 'JS without sessions' }, ORG_WITHOUT);
  await admin('PUT', `/organisation/${ORG_WITHOUT}/user/u1`, { displayName: 'Agent u1', extension: '2001' }, ORG_WITHOUT);
});
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await grid?.stop();
});

const admin = (method, route, body, org = ORG) => grid.rest(method, route, body, gateway, grid.adminToken(org));
const userNow = async (userId) => (await admin('GET', `/organisation/${ORG}/user/${userId}`)).data;
const liveSessions = async (userId) => (await admin('GET', `/organisation/${ORG}/user/${userId}/sessions`)).sessions;

/** A client with the agent's own token (role agent), through `url` (default: the gateway). */
function agentClient(userId, { url = gateway.ws, org = ORG, ...options } = {}) {
  const client = connect({ url, token: grid.token({ sub: userId, org, roles: ['agent'] }), ...options });
  cleanups.push(() => client.close());
  return client;
}

/** A supervisor's subscription to the user, straight to the gateway: every state it sees, with its arrival time. */
async function watchUser(userId) {
  const client = connect({ url: gateway.ws, token: grid.token({ sub: 'js-supervisor', org: ORG, roles: ['supervisor'] }) });
  cleanups.push(() => client.close());
  const seen = [];
  const sub = client.subscribeUser(ORG, userId, (state) => seen.push({ at: Date.now(), status: state.status, stale: state.stale, source: state.source }));
  await poll(() => sub.status === 'live', `the watcher of ${userId} to go live`);
  return { sub, seen };
}

function recordSession(session) {
  const events = [];
  session.on('session', (e) => events.push(e));
  return events;
}

test('the session sets the status; setStatus changes it (source session); close() logs out (offline, source logout)', async () => {
  assert.equal((await userNow('u1')).status, 'offline', 'a new user starts offline');
  const watcher = await watchUser('u1');
  const states = [];
  const session = agentClient('u1').holdSession(ORG, 'u1', { device: 'desktop', status: 'available' }, (state) => states.push(state.status));
  const events = recordSession(session);

  await poll(() => session.sessionId, 'session_opened');
  assert.deepEqual(events[0], { type: 'opened', sessionId: session.sessionId, device: 'desktop', status: 'available',
    leaseMs: LEASE_MS, graceMs: GRACE_MS, idleMs: 3600000 });
  await poll(() => watcher.sub.state.status === 'available', 'the watcher to see available');
  assert.deepEqual(pick(await userNow('u1')), { status: 'available', source: 'session', stale: false });
  assert.deepEqual((await liveSessions('u1')).map((s) => [s.sessionId, s.device, s.status]), [[session.sessionId, 'desktop', 'available']]);

  session.setStatus('busy');
  await poll(() => watcher.sub.state.status === 'busy', 'the watcher to see busy');
  assert.deepEqual(pick(await userNow('u1')), { status: 'busy', source: 'session', stale: false });
  await poll(() => session.state?.status === 'busy', 'the session\'s own subscription to see busy');
  assert.equal(session.state.source, 'session');

  assert.equal(await session.close(), true, 'the gateway confirmed the logout');
  // The logout is done in the user grain before session_closed is sent: no waiting for a grace period.
  assert.deepEqual(pick(await userNow('u1')), { status: 'offline', source: 'logout', stale: false });
  assert.deepEqual(await liveSessions('u1'), []);
  assert.deepEqual(events.map((e) => [e.type, e.reason ?? null]), [['opened', null], ['closed', 'logout']]);
  assert.equal(session.subscription.status, 'closed');
  assert.ok(states.includes('available') && states.includes('busy'), states.join());
});

test('a cut connection: the client reconnects and opens a new session with the latest status, and the user is never offline', async () => {
  const proxy = await startTcpProxy(gateway.port);
  cleanups.push(() => proxy.stop());
  const watcher = await watchUser('u2');
  const session = agentClient('u2', { url: proxy.url, backoff: { initialMs: 100, maxMs: 200 } }).holdSession(ORG, 'u2', { status: 'dnd' });
  const events = recordSession(session);
  await poll(() => session.sessionId, 'the first session');
  const first = session.sessionId;
  await poll(() => watcher.sub.state.status === 'dnd', 'dnd');
  const openedAt = Date.now();

  // The agent picks another status while the socket is down; the next socket's session_open must carry it.
  let changedWhileDown = null;
  session.on('status', ({ status }) => {
    if (status === 'reconnecting' && !changedWhileDown) {
      changedWhileDown = { sessionId: session.sessionId };
      session.setStatus('busy');
    }
  });
  proxy.cut();

  await poll(() => session.sessionId && session.sessionId !== first, 'a new session on the new socket');
  await poll(() => watcher.sub.state.status === 'busy' && !watcher.sub.state.stale, 'busy from the new session');
  assert.deepEqual(changedWhileDown, { sessionId: null }, 'no session while the socket is down');
  assert.deepEqual(pick(await userNow('u2')), { status: 'busy', source: 'session', stale: false });
  // The old session ended as disconnected when its socket was cut; only the new one is live.
  assert.deepEqual((await liveSessions('u2')).map((s) => [s.sessionId, s.status]), [[session.sessionId, 'busy']]);
  assert.deepEqual(events.map((e) => [e.type, e.sessionId, e.status ?? e.reason]),
    [['opened', first, 'dnd'], ['closed', first, 'disconnected'], ['opened', session.sessionId, 'busy']]);
  const sinceOpen = watcher.seen.filter((s) => s.at >= openedAt);
  assert.ok(sinceOpen.every((s) => s.status !== 'offline'), `the grace period covers the reconnect: ${JSON.stringify(sinceOpen)}`);
});

test('a desktop that vanishes (connection cut, no reconnect): stale, then offline (source expired) after the grace, within lease + grace', async (t) => {
  const proxy = await startTcpProxy(gateway.port);
  const watcher = await watchUser('u3');
  const session = agentClient('u3', { url: proxy.url, backoff: { initialMs: 100, maxMs: 200 } }).holdSession(ORG, 'u3', { status: 'available' });
  await poll(() => session.sessionId, 'the session');
  await poll(() => watcher.sub.state.status === 'available', 'available');

  const cutAt = Date.now();
  await proxy.stop(); // cut, and refuse the client's reconnects: the desktop is gone
  const offline = await poll(() => watcher.seen.find((s) => s.at >= cutAt && s.status === 'offline'), 'offline', { timeoutMs: LEASE_MS + GRACE_MS + 6000 });
  const stale = watcher.seen.find((s) => s.at >= cutAt && s.stale);
  assert.ok(stale, `stale before offline: ${JSON.stringify(watcher.seen)}`);
  assert.equal(stale.status, 'available', 'stale keeps the last status');
  assert.ok(stale.at < offline.at);
  t.diagnostic(`stale ${stale.at - cutAt} ms and offline ${offline.at - cutAt} ms after the cut`);
  // The gateway sees the cut socket at once, so the grace period starts then; lease + grace bounds any drop.
  assert.ok(offline.at - cutAt >= GRACE_MS - 200, `offline ${offline.at - cutAt} ms after the cut, before the grace ran out`);
  assert.ok(offline.at - cutAt <= LEASE_MS + GRACE_MS + 1500, `offline only ${offline.at - cutAt} ms after the cut`);
  assert.deepEqual(pick(await userNow('u3')), { status: 'offline', source: 'expired', stale: false });
  assert.notEqual(session.subscription.status, 'live');
});

test('sessions not enabled for the organisation: a session error event, and presence updates still arrive', async () => {
  const session = agentClient('u1', { org: ORG_WITHOUT }).holdSession(ORG_WITHOUT, 'u1', { status: 'available' });
  const events = recordSession(session);
  await poll(() => events.length > 0, 'the session error');
  assert.deepEqual([...events], [{ type: 'error', code: 4000, message: 'INVALID_MESSAGE',
    description: `Organisation '${ORG_WITHOUT}' does not use presence sessions.`, action: 'session_open' }]);
  assert.equal(session.sessionId, null);
  await admin('PUT', `/organisation/${ORG_WITHOUT}/user/u1/presence`, { status: 'dnd' }, ORG_WITHOUT);
  await poll(() => session.state?.status === 'dnd', 'the presence update on the same socket');
  assert.equal(session.state.source, 'manual');
  assert.equal(session.subscription.status, 'live');
});

function pick(user) {
  return { status: user.status, source: user.source, stale: user.stale };
}

test('the session and the agent\'s other subscriptions share one organisation socket; a second session on it is refused', async () => {
  const opened = [];
  class CountingWebSocket extends globalThis.WebSocket {
    constructor(url) {
      super(url);
      opened.push(new URL(url).pathname);
    }
  }
  const client = agentClient('u3', { WebSocket: CountingWebSocket });
  const colleague = client.subscribeUser(ORG, 'u2', () => {});
  const session = client.holdSession(ORG, 'u3', { device: 'desktop', status: 'busy' });
  await poll(() => session.sessionId !== null && colleague.status === 'live', 'the session open and the colleague live');
  await poll(async () => (await userNow('u3')).status === 'busy', 'the session to set u3 busy');
  assert.equal((await userNow('u3')).source, 'session');
  assert.deepEqual(opened, [`/organisation/${ORG}`]);
  assert.throws(() => client.holdSession(ORG, 'u3', { device: 'phone' }), /already held/);

  assert.equal(await session.close(), true);
  assert.equal((await userNow('u3')).status, 'offline');
  assert.equal(colleague.status, 'live', 'logging out ends the session, not the socket its colleague is watched on');
});
