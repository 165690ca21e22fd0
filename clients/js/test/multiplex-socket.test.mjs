// The organisation socket against the tiny scripted server: the client's topics share one socket, frames go to the
// topic they name, an error naming one topic ends only that subscription, a reconnect resubscribes every topic with
// its own lastSeq, and `multiplex: false` gives each subscription a socket of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../src/index.js';
import { startTinyServer } from './support/tiny-ws-server.mjs';
import { poll } from './support/gateway.mjs';

const ORG = 'org-t';
const now = () => new Date().toISOString();
const user = (userId, seq, status, snapshot) => ({
  type: 'presence_update', timestamp: now(), seq, snapshot,
  data: { userId, orgId: ORG, displayName: userId, status, previousStatus: 'offline', statusMessage: null,
    lastActivity: now(), activeCall: null, extension: null, capabilities: {} },
});
const group = (groupId, seq) => ({
  type: 'group_presence_update', timestamp: now(), seq, snapshot: true,
  data: { groupId, groupName: groupId, orgId: ORG, summary: { totalMembers: 0 }, members: [], queueMetrics: {} },
});
const topicError = (code, message, ids, extra = {}) => ({ type: 'error', code, message, description: `test ${code}`, orgId: ORG, ...ids, ...extra });

/** Answers every subscribe with a snapshot at seq 1 (users) or 2^32+1 (groups), unless `answer` handles it. */
function organisation(answer = () => false) {
  return (connection, n) => connection.on('message', (m) => {
    m.at = Date.now();
    if (m.type === 'ping') return connection.send({ type: 'pong', timestamp: now() });
    if (m.action !== 'subscribe' || answer(connection, m, n)) return;
    connection.send(m.userId ? user(m.userId, 1, 'available', true) : group(m.groupId, 4294967297));
  });
}

const subscribes = (connection) => connection.messages.filter((m) => m.action === 'subscribe');

test('topics of one organisation share one socket, and each frame reaches the topic it names', async (t) => {
  const server = await startTinyServer(organisation());
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const seen = { u1: [], u2: [], g1: [] };
  const u1 = client.subscribeUser(ORG, 'u1', (state) => seen.u1.push(state.status));
  const u2 = client.subscribeUser(ORG, 'u2', (state) => seen.u2.push(state.status));
  const g1 = client.subscribeGroup(ORG, 'g1', (state) => seen.g1.push(state.groupName));
  await poll(() => [u1, u2, g1].every((s) => s.status === 'live'), 'all three live');

  server.connections[0].send(user('u2', 2, 'busy', false));
  await poll(() => seen.u2.length === 2, 'u2 changed');
  assert.equal(server.connections.length, 1);
  assert.equal(server.connections[0].url.pathname, `/organisation/${ORG}`);
  assert.deepEqual(subscribes(server.connections[0]).map((m) => m.userId ?? m.groupId), ['u1', 'u2', 'g1']);
  assert.deepEqual(seen, { u1: ['available'], u2: ['available', 'busy'], g1: ['g1'] });
  assert.equal(u1.socketPath, `/organisation/${ORG}`);
  assert.equal(u1.path, `/organisation/${ORG}/user/u1`);
});

test('an error naming one topic fails only that subscription; the socket and the other topics go on', async (t) => {
  const server = await startTinyServer(organisation((connection, m) => {
    if (m.groupId !== 'secret') return false;
    connection.send(topicError(4006, 'GROUP_ACCESS_DENIED', { groupId: 'secret' }));
    return true;
  }));
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const u1 = client.subscribeUser(ORG, 'u1', () => {});
  const secret = client.subscribeGroup(ORG, 'secret', () => {});
  const statuses = [];
  secret.on('status', (e) => statuses.push(e));
  await poll(() => secret.status === 'failed' && u1.status === 'live', 'the group refused, the user live');

  assert.deepEqual(statuses.at(-1).error, { code: 4006, message: 'GROUP_ACCESS_DENIED', description: 'test 4006' });
  server.connections[0].send(user('u1', 2, 'dnd', false));
  await poll(() => u1.state.status === 'dnd', 'u1 still receives');
  assert.equal(server.connections.length, 1);
  assert.equal(server.connections[0].closed, false);
  // A failed subscription's unsubscribe sends nothing: the gateway already let it go.
  await secret.unsubscribe();
  assert.equal(server.connections[0].messages.filter((m) => m.action === 'unsubscribe').length, 0);
});

test('4004 naming a topic: that topic alone subscribes again on the same socket after the hint', async (t) => {
  const server = await startTinyServer(organisation((connection, m) => {
    if (m.userId !== 'u2' || subscribes(connection).filter((s) => s.userId === 'u2').length > 1) return false;
    connection.send(topicError(4004, 'SUBSCRIPTION_FAILED', { userId: 'u2' }, { retryAfterMs: 300 }));
    return true;
  }));
  const client = connect({ url: server.url, token: 't', backoff: { initialMs: 10, maxMs: 20 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const u1 = client.subscribeUser(ORG, 'u1', () => {});
  const u2 = client.subscribeUser(ORG, 'u2', () => {});
  const statuses = [];
  u2.on('status', (e) => statuses.push(e));
  await poll(() => u2.status === 'live', 'u2 live after its retry', { timeoutMs: 5000 });

  const retry = statuses.find((e) => e.status === 'reconnecting');
  assert.equal(retry.retryInMs, 300);
  assert.equal(retry.error.code, 4004);
  assert.equal(u1.status, 'live');
  assert.equal(server.connections.length, 1);
  const [first, second] = server.connections[0].messages.filter((m) => m.userId === 'u2');
  assert.ok(second.at - first.at >= 290, `subscribed again after ${second.at - first.at} ms`);
});

test('a reconnect subscribes every topic again, each with its own lastSeq', async (t) => {
  const server = await startTinyServer(organisation((connection, m, n) => {
    if (n !== 2 || m.lastSeq === undefined) return false;
    connection.send({ type: 'resumed', timestamp: now(), orgId: ORG, ...(m.userId ? { userId: m.userId } : { groupId: m.groupId }),
      fromSeq: m.lastSeq, seq: m.lastSeq, replayed: 0 });
    return true;
  }));
  const client = connect({ url: server.url, token: 't', backoff: { initialMs: 10, maxMs: 20 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const u1 = client.subscribeUser(ORG, 'u1', () => {});
  const g1 = client.subscribeGroup(ORG, 'g1', () => {});
  await poll(() => u1.status === 'live' && g1.status === 'live', 'both live');
  server.connections[0].send(user('u1', 2, 'busy', false));
  await poll(() => u1.state.seq === 2, 'u1 at seq 2');

  server.connections[0].fail(1012, 'SERVICE_RESTART', { retryAfterMs: 0, reconnectAfterMs: 0 });
  await poll(() => server.connections.length === 2 && subscribes(server.connections[1]).length === 2, 'both resubscribed');
  await poll(() => u1.status === 'live' && g1.status === 'live', 'both live again');

  const again = Object.fromEntries(subscribes(server.connections[1]).map((m) => [m.userId ?? m.groupId, m.lastSeq]));
  assert.deepEqual(again, { u1: 2, g1: 4294967297 });
  assert.equal(u1.state.status, 'busy');
});

test('unsubscribe of one topic keeps the socket for the others; the last one closes it', async (t) => {
  const server = await startTinyServer(organisation());
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const u1 = client.subscribeUser(ORG, 'u1', () => {});
  const u2 = client.subscribeUser(ORG, 'u2', () => {});
  await poll(() => u1.status === 'live' && u2.status === 'live', 'both live');
  const socket = server.connections[0];

  await u1.unsubscribe();
  await poll(() => socket.messages.some((m) => m.action === 'unsubscribe'), 'the unsubscribe');
  assert.deepEqual(socket.messages.filter((m) => m.action === 'unsubscribe').map(({ at, ...m }) => m), [{ action: 'unsubscribe', orgId: ORG, userId: 'u1' }]);
  assert.equal(socket.closed, false);
  socket.send(user('u2', 2, 'away', false));
  await poll(() => u2.state.status === 'away', 'u2 goes on');

  await u2.unsubscribe();
  await poll(() => socket.closed, 'the socket to close with the last topic');
  // A later subscribe opens a new organisation socket.
  const u3 = client.subscribeUser(ORG, 'u3', () => {});
  await poll(() => u3.status === 'live', 'u3 live');
  assert.equal(server.connections.length, 2);
});

test('multiplex: false gives each subscription a socket of its own on its topic path', async (t) => {
  const server = await startTinyServer(organisation());
  const client = connect({ url: server.url, token: 't', multiplex: false });
  t.after(async () => { await client.close(); await server.stop(); });
  const u1 = client.subscribeUser(ORG, 'u1', () => {});
  const g1 = client.subscribeGroup(ORG, 'g1', () => {});
  await poll(() => u1.status === 'live' && g1.status === 'live', 'both live');
  assert.deepEqual(server.connections.map((c) => c.url.pathname).sort(), [`/organisation/${ORG}/user-group/g1`, `/organisation/${ORG}/user/u1`]);
  assert.throws(() => connect({ url: server.url, token: 't', multiplex: 'yes' }), /multiplex must be a boolean/);
});
