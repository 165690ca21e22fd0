// The subscription's socket handling against a tiny scripted server: heartbeat timeout, the server's retry hint,
// resume after a reconnect, and a resync on the same socket after a seq gap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../src/index.js';
import { startTinyServer } from './support/tiny-ws-server.mjs';
import { freePort, poll } from './support/gateway.mjs';

const ORG = 'org-t';
const userSnapshot = (seq, status = 'available') => ({
  type: 'presence_update', timestamp: new Date().toISOString(), seq, snapshot: true,
  data: { userId: 'u1', orgId: ORG, displayName: 'Ann', status, previousStatus: 'offline', statusMessage: null,
    lastActivity: new Date().toISOString(), activeCall: null, extension: '201', capabilities: {} },
});
const userDelta = (seq, status) => ({ ...userSnapshot(seq, status), snapshot: false });

/** Collects a subscription's status events. */
function watch(sub) {
  const statuses = [];
  sub.on('status', (e) => statuses.push(e));
  return statuses;
}

/** Answers subscribe with a snapshot at `seq`; answers pings unless `answerPings` is false. */
function scriptedUser({ seq = 1, answerPings = true } = {}) {
  return (connection) => connection.on('message', (m) => {
    if (m.action === 'subscribe') connection.send(userSnapshot(seq));
    if (m.type === 'ping' && answerPings) connection.send({ type: 'pong', timestamp: new Date().toISOString() });
  });
}

test('heartbeat: pings that get pongs keep the socket', async (t) => {
  const server = await startTinyServer(scriptedUser());
  const client = connect({ url: server.url, token: 't', heartbeatMs: 50, pongTimeoutMs: 200 });
  t.after(async () => { await client.close(); await server.stop(); });
  const sub = client.subscribeUser(ORG, 'u1', () => {});
  const statuses = watch(sub);
  await poll(() => server.connections[0]?.messages.filter((m) => m.type === 'ping').length >= 8, 'eight pings');
  assert.equal(server.connections.length, 1);
  assert.deepEqual(statuses.map((s) => s.status), ['connecting', 'live']);
});

test('heartbeat: no pong within pongTimeoutMs drops the socket and reconnects', async (t) => {
  const server = await startTinyServer(scriptedUser({ seq: 5, answerPings: false }));
  const client = connect({ url: server.url, token: 't', heartbeatMs: 100, pongTimeoutMs: 150, backoff: { initialMs: 50, maxMs: 100 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const sub = client.subscribeUser(ORG, 'u1', () => {});
  const statuses = watch(sub);
  await poll(() => statuses.filter((s) => s.status === 'live').length >= 3, 'live three times', { timeoutMs: 5000 });
  const reconnecting = statuses.find((s) => s.status === 'reconnecting');
  assert.equal(reconnecting.error.message, 'PONG_TIMEOUT');
  // Going live resets the backoff: every drop after a live connection is attempt 1 again.
  assert.deepEqual(statuses.filter((s) => s.status === 'reconnecting').slice(0, 2).map((s) => s.attempt), [1, 1]);
  assert.ok(reconnecting.retryInMs >= 0 && reconnecting.retryInMs <= 50, `retryInMs ${reconnecting.retryInMs}`);
  const first = server.connections[0];
  await poll(() => first.closed, 'the dead socket to be closed by the client');
  assert.deepEqual(server.connections[1].messages[0], { action: 'subscribe', orgId: ORG, userId: 'u1', lastSeq: 5 });
  assert.equal(first.messages.filter((m) => m.type === 'ping').length, 1, 'one unanswered ping is enough');
});

test("the server's retryAfterMs is a floor for the reconnect delay", async (t) => {
  const server = await startTinyServer((connection, n) => connection.on('message', (m) => {
    if (m.action !== 'subscribe') return;
    connection.send(userSnapshot(n));
    if (n === 1) setTimeout(() => connection.fail(1012, 'SERVICE_RESTART', { retryAfterMs: 700, reconnectAfterMs: 700 }), 10);
  }));
  const client = connect({ url: server.url, token: 't', backoff: { initialMs: 10, maxMs: 20 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const sub = client.subscribeUser(ORG, 'u1', () => {});
  const statuses = watch(sub);
  await poll(() => statuses.filter((s) => s.status === 'live').length >= 2, 'live again', { timeoutMs: 5000 });
  const reconnecting = statuses.find((s) => s.status === 'reconnecting');
  assert.equal(reconnecting.retryInMs, 700);
  assert.deepEqual({ code: reconnecting.error.code, message: reconnecting.error.message }, { code: 1012, message: 'SERVICE_RESTART' });
  const waited = server.connections[1].openedAt - server.connections[0].openedAt;
  assert.ok(waited >= 700, `reconnected after ${waited} ms`);
});

test('resume: the reconnect sends lastSeq; resumed keeps the state and replayed frames are applied', async (t) => {
  const server = await startTinyServer((connection, n) => connection.on('message', (m) => {
    if (m.action !== 'subscribe') return;
    if (n === 1) {
      connection.send(userSnapshot(10));
      setTimeout(() => connection.fail(1011, 'SERVER_ERROR', { retryAfterMs: 0 }), 10);
    } else if (m.lastSeq === 10) {
      connection.send({ type: 'resumed', timestamp: new Date().toISOString(), orgId: ORG, userId: 'u1', fromSeq: 10, seq: 12, replayed: 2 });
      connection.send(userDelta(11, 'busy'));
      connection.send(userDelta(12, 'dnd'));
      connection.send(userDelta(13, 'away'));
    }
  }));
  const client = connect({ url: server.url, token: 't', backoff: { initialMs: 10, maxMs: 20 } });
  t.after(async () => { await client.close(); await server.stop(); });
  const changes = [];
  const sub = client.subscribeUser(ORG, 'u1', (state, change) => changes.push({ status: state.status, seq: state.seq, type: change.type, resumed: change.resumed, missed: change.missed }));
  await poll(() => sub.state?.seq === 13, 'seq 13', { timeoutMs: 5000 });
  assert.deepEqual(changes, [
    { status: 'available', seq: 10, type: 'snapshot', resumed: false, missed: false },
    { status: 'available', seq: 10, type: 'resumed', resumed: true, missed: false },
    { status: 'busy', seq: 11, type: 'user', resumed: true, missed: false },
    { status: 'dnd', seq: 12, type: 'user', resumed: true, missed: false },
    { status: 'away', seq: 13, type: 'user', resumed: false, missed: false },
  ]);
  assert.equal(sub.status, 'live');
});

test('a seq gap on a live socket: subscribe again on the same socket, and the new snapshot reports missed', async (t) => {
  const server = await startTinyServer((connection) => {
    let subscribes = 0;
    connection.on('message', (m) => {
      if (m.action !== 'subscribe') return;
      subscribes += 1;
      if (subscribes === 1) {
        connection.send(userSnapshot(1));
        connection.send(userDelta(3, 'busy'));  // 2 never comes
        connection.send(userDelta(4, 'away'));  // dropped: it patches a state the client does not hold
      } else {
        connection.send(userSnapshot(9, 'dnd'));
      }
    });
  });
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  const changes = [];
  const sub = client.subscribeUser(ORG, 'u1', (state, change) => changes.push({ seq: state.seq, status: state.status, type: change.type, missed: change.missed }));
  await poll(() => sub.state?.seq === 9, 'the resync snapshot');
  assert.deepEqual(changes, [
    { seq: 1, status: 'available', type: 'snapshot', missed: false },
    { seq: 9, status: 'dnd', type: 'snapshot', missed: true },
  ]);
  assert.equal(server.connections.length, 1);
  assert.deepEqual(server.connections[0].messages.filter((m) => m.action), [
    { action: 'subscribe', orgId: ORG, userId: 'u1' },
    { action: 'subscribe', orgId: ORG, userId: 'u1' },
  ]);
});

test('unsubscribe sends unsubscribe, closes the socket and stops callbacks', async (t) => {
  const server = await startTinyServer(scriptedUser({ seq: 3 }));
  const client = connect({ url: server.url, token: 't' });
  t.after(async () => { await client.close(); await server.stop(); });
  let calls = 0;
  const sub = client.subscribeUser(ORG, 'u1', () => { calls += 1; });
  const statuses = watch(sub);
  await poll(() => sub.status === 'live', 'live');
  await sub.unsubscribe();
  const connection = server.connections[0];
  await poll(() => connection.closed, 'the socket to close');
  connection.send(userDelta(4, 'busy'));
  assert.deepEqual(connection.messages.at(-1), { action: 'unsubscribe', orgId: ORG, userId: 'u1' });
  assert.equal(calls, 1);
  assert.deepEqual(statuses.map((s) => s.status), ['connecting', 'live', 'closed']);
  assert.equal(sub.status, 'closed');
});

test('a refused connection is retried with backoff (Node 20 reports it with an error event and no close)', async (t) => {
  const port = await freePort(); // nothing listens there
  const client = connect({ url: `ws://127.0.0.1:${port}`, token: 't', backoff: { initialMs: 20, maxMs: 40 } });
  t.after(() => client.close());
  const sub = client.subscribeUser(ORG, 'u1', () => {});
  const statuses = watch(sub);
  await poll(() => statuses.length >= 4, 'three reconnect attempts', { timeoutMs: 5000 });
  assert.deepEqual(statuses.slice(0, 4).map((s) => [s.status, s.attempt, s.error?.code ?? null]),
    [['connecting', 0, null], ['reconnecting', 1, 1006], ['reconnecting', 2, 1006], ['reconnecting', 3, 1006]]);
  assert.ok(statuses.slice(1).every((s) => s.retryInMs <= 40));
});
