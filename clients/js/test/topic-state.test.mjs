// The pure topic state: snapshots, deltas in seq order, gaps, resume. No sockets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyFrame, awaitSync, createTopic, subscribeMessage } from '../src/topic-state.js';

const ORG = 'org-1';
const NOW = Date.parse('2026-11-26T13:34:20.000Z');

const userFrame = (seq, snapshot, over = {}) => ({
  type: 'presence_update', timestamp: '2026-11-26T13:34:15.046Z', seq, snapshot,
  data: {
    userId: 'u1', orgId: ORG, displayName: 'Ann', status: 'available', previousStatus: 'offline', statusMessage: null,
    lastActivity: '2026-11-26T13:34:15.046Z', activeCall: null, extension: '201',
    capabilities: { canReceiveCalls: true, canMakeOutbound: true, canTransfer: true }, ...over,
  },
});

const groupFrame = (seq, snapshot, members, queueMetrics = { callsWaiting: 0, averageWaitTime: 0, longestWaitTime: 0 }) => ({
  type: 'group_presence_update', timestamp: '2026-11-26T13:34:00.000Z', seq, snapshot,
  data: { groupId: 'g1', groupName: 'Support', orgId: ORG, summary: summaryOf(members), members, queueMetrics },
});

const memberFrame = (seq, member, updatedSummary) => ({
  type: 'member_presence_update', timestamp: '2026-11-26T13:34:10.000Z', seq,
  data: { groupId: 'g1', previousStatus: 'available', ...member, updatedSummary },
});

function summaryOf(members) {
  const count = (s) => members.filter((m) => m.status === s).length;
  return { totalMembers: members.length, available: count('available'), busy: count('busy'), onCall: count('on_call'),
    away: count('away'), dnd: count('dnd'), offline: count('offline') };
}

/** Applies frames in order; returns the last topic and every result. */
function run(topic, frames, now = NOW) {
  const results = [];
  for (const frame of frames) {
    const result = applyFrame(topic, frame, now);
    topic = result.topic;
    results.push(result);
  }
  return { topic, results };
}

const ann = { userId: 'u1', displayName: 'Ann', status: 'available', extension: '201' };
const bob = { userId: 'u2', displayName: 'Bob', status: 'on_call', extension: '202', callDuration: 30 };
const cat = { userId: 'U3', displayName: 'Cat', status: 'offline', extension: null };

test('user snapshot becomes the state, with the presence-truth fields defaulted', () => {
  const { topic, results } = run(createTopic('user', ORG, 'u1'), [userFrame(7, true)]);
  assert.equal(topic.phase, 'live');
  assert.deepEqual(results[0].change.type, 'snapshot');
  assert.equal(results[0].change.missed, false);
  assert.deepEqual(topic.state, {
    kind: 'user', orgId: ORG, userId: 'u1', seq: 7, displayName: 'Ann', status: 'available', previousStatus: 'offline',
    statusMessage: null, lastActivity: '2026-11-26T13:34:15.046Z', activeCall: null, extension: '201',
    capabilities: { canReceiveCalls: true, canMakeOutbound: true, canTransfer: true },
    stale: false, lastConfirmedAt: null, source: null, timestamp: '2026-11-26T13:34:15.046Z',
  });
  assert.ok(Object.isFrozen(topic.state) && Object.isFrozen(topic.state.capabilities));
});

test('user delta with the next seq replaces the state; stale, lastConfirmedAt and source pass through', () => {
  const { topic, results } = run(createTopic('user', ORG, 'u1'), [
    userFrame(7, true),
    userFrame(8, false, { status: 'dnd', previousStatus: 'available', stale: true, lastConfirmedAt: '2026-11-26T13:34:00.000Z', source: 'session' }),
  ]);
  assert.equal(results[1].change.type, 'user');
  assert.equal(topic.state.status, 'dnd');
  assert.equal(topic.state.seq, 8);
  assert.equal(topic.state.stale, true);
  assert.equal(topic.state.lastConfirmedAt, '2026-11-26T13:34:00.000Z');
  assert.equal(topic.state.source, 'session');
});

test('group snapshot orders members by userId (ordinal) and turns callDuration into callStartedAt', () => {
  const { topic } = run(createTopic('group', ORG, 'g1'), [groupFrame(4294967297, true, [bob, ann, cat])]);
  const state = topic.state;
  assert.equal(state.kind, 'group');
  assert.equal(state.groupName, 'Support');
  assert.deepEqual(state.members.map((m) => m.userId), ['U3', 'u1', 'u2']);
  assert.equal(state.members[2].callStartedAt, NOW - 30000);
  assert.equal('callStartedAt' in state.members[1], false);
  assert.equal(state.summary.onCall, 1);
  assert.ok(Object.isFrozen(state.members) && Object.isFrozen(state.members[0]));
});

test('member update patches one member and the summary and keeps the other member objects', () => {
  const start = run(createTopic('group', ORG, 'g1'), [groupFrame(10, true, [ann, bob, cat])]).topic;
  const after = { ...summaryOf([ann, bob, cat]), available: 0, dnd: 1 };
  const { topic, results } = run(start, [memberFrame(11, { ...ann, status: 'dnd', stale: true }, after)]);
  assert.equal(results[0].change.type, 'member');
  const u1 = topic.state.members.find((m) => m.userId === 'u1');
  assert.equal(u1.status, 'dnd');
  assert.equal(u1.stale, true);
  assert.deepEqual(topic.state.summary, after);
  assert.equal(topic.state.seq, 11);
  assert.equal(topic.state.members.find((m) => m.userId === 'u2'), start.state.members.find((m) => m.userId === 'u2'));
  assert.equal(start.state.members.find((m) => m.userId === 'u1').status, 'available', 'the old state is not mutated');
});

test('group_presence_update with snapshot:false replaces the group and is a "group" change', () => {
  const start = run(createTopic('group', ORG, 'g1'), [groupFrame(10, true, [ann, bob])]).topic;
  const { topic, results } = run(start, [groupFrame(11, false, [ann], { callsWaiting: 4, averageWaitTime: 0, longestWaitTime: 27 })]);
  assert.equal(results[0].change.type, 'group');
  assert.equal(results[0].change.missed, false);
  assert.deepEqual(topic.state.members.map((m) => m.userId), ['u1']);
  assert.equal(topic.state.queueMetrics.callsWaiting, 4);
});

test('a gap asks for one resync, drops deltas until the snapshot, and the snapshot reports missed', () => {
  const start = run(createTopic('group', ORG, 'g1'), [groupFrame(10, true, [ann, bob])]).topic;
  const { topic, results } = run(start, [
    memberFrame(12, { ...ann, status: 'busy' }, summaryOf([{ status: 'busy' }, bob])),   // 11 is missing
    memberFrame(13, { ...ann, status: 'away' }, summaryOf([{ status: 'away' }, bob])),   // follows the gap: dropped
    groupFrame(20, true, [{ ...ann, status: 'dnd' }, bob]),
    memberFrame(21, { ...bob, status: 'available', callDuration: undefined }, summaryOf([{ status: 'dnd' }, { status: 'available' }])),
  ]);
  assert.equal(results[0].resync, true);
  assert.equal(results[0].change, undefined);
  assert.equal(results[1].resync, undefined, 'only one resync request per gap');
  assert.equal(results[1].change, undefined);
  assert.equal(results[2].change.type, 'snapshot');
  assert.equal(results[2].change.missed, true);
  assert.equal(results[3].change.type, 'member');
  assert.deepEqual(topic.state.members.map((m) => m.status), ['dnd', 'available']);
  assert.equal(topic.state.seq, 21);
});

test('a duplicate or older seq is a gap too', () => {
  const start = run(createTopic('user', ORG, 'u1'), [userFrame(5, true)]).topic;
  assert.equal(applyFrame(start, userFrame(5, false), NOW).resync, true);
  assert.equal(applyFrame(start, userFrame(3, false), NOW).resync, true);
});

test('deltas before the first snapshot and frames of other topics are ignored', () => {
  const fresh = createTopic('user', ORG, 'u1');
  assert.deepEqual(applyFrame(fresh, userFrame(3, false), NOW), { topic: fresh });
  const live = run(fresh, [userFrame(3, true)]).topic;
  assert.deepEqual(applyFrame(live, userFrame(4, false, { userId: 'someone-else' }), NOW), { topic: live });
  assert.deepEqual(applyFrame(live, { type: 'pong', timestamp: 'x' }, NOW), { topic: live });
  assert.deepEqual(applyFrame(live, memberFrame(4, ann, {}), NOW), { topic: live });
});

test('reconnect: subscribe carries lastSeq; resumed keeps the state and replayed frames apply in order', () => {
  const live = run(createTopic('group', ORG, 'g1'), [groupFrame(100, true, [ann, bob])]).topic;
  assert.deepEqual(subscribeMessage(live, { resume: true }), { action: 'subscribe', orgId: ORG, groupId: 'g1', lastSeq: 100 });
  assert.deepEqual(subscribeMessage(live), { action: 'subscribe', orgId: ORG, groupId: 'g1' });

  const replayedAt = '2026-11-26T13:30:00.000Z';
  const { topic, results } = run(awaitSync(live), [
    memberFrame(101, { ...ann, status: 'busy' }, summaryOf([{ status: 'busy' }, bob])),   // before `resumed`: dropped
    { type: 'resumed', timestamp: 'x', orgId: ORG, groupId: 'g1', fromSeq: 100, seq: 102, replayed: 2 },
    memberFrame(101, { ...ann, status: 'busy' }, summaryOf([{ status: 'busy' }, bob])),
    { ...memberFrame(102, { ...ann, status: 'on_call', callDuration: 5 }, summaryOf([{ status: 'on_call' }, bob])), timestamp: replayedAt },
    memberFrame(103, { ...ann, status: 'available' }, summaryOf([ann, bob])),
  ]);
  assert.equal(results[0].change, undefined);
  assert.deepEqual({ type: results[1].change.type, resumed: results[1].change.resumed, missed: results[1].change.missed },
    { type: 'resumed', resumed: true, missed: false });
  assert.equal(results[1].topic.state, live.state, 'resumed keeps the state object');
  assert.equal(results[2].change.resumed, true);
  assert.equal(results[3].change.resumed, true);
  assert.equal(results[3].topic.state.members[0].callStartedAt, Date.parse(replayedAt) - 5000, 'a replayed frame was rendered at its timestamp');
  assert.equal(results[4].change.resumed, false, 'live again after the replayed frames');
  assert.equal(topic.state.seq, 103);
  assert.equal(topic.state.members[0].status, 'available');
});

test('reconnect answered with a snapshot (server cannot resume, or an older server) replaces the state and reports missed', () => {
  const live = run(createTopic('user', ORG, 'u1'), [userFrame(9, true)]).topic;
  const { topic, results } = run(awaitSync(live), [userFrame(2, true, { status: 'busy' })]);
  assert.equal(results[0].change.type, 'snapshot');
  assert.equal(results[0].change.missed, true);
  assert.equal(topic.state.seq, 2);
  assert.equal(topic.state.status, 'busy');
});

test('resumed from another seq than ours, or with inconsistent counts, is treated as a gap', () => {
  const live = awaitSync(run(createTopic('user', ORG, 'u1'), [userFrame(9, true)]).topic);
  const resumed = (over) => ({ type: 'resumed', timestamp: 'x', orgId: ORG, userId: 'u1', fromSeq: 9, seq: 10, replayed: 1, ...over });
  assert.equal(applyFrame(live, resumed({ fromSeq: 8 }), NOW).resync, true);
  assert.equal(applyFrame(live, resumed({ replayed: 3 }), NOW).resync, true);
  assert.equal(applyFrame(live, resumed({ userId: 'u2' }), NOW).resync, undefined, 'another topic: ignored');
  assert.equal(applyFrame(live, resumed({}), NOW).change.type, 'resumed');
});

test('group: statusSince and statusMessage are kept from snapshots and member deltas, and absent when not sent', () => {
  const since = '2026-11-26T13:30:00.000Z';
  const members = [
    { userId: 'u1', displayName: 'Ann', status: 'away', extension: null, statusSince: since, statusMessage: 'Lunch' },
    { userId: 'u2', displayName: 'Bob', status: 'available', extension: null },
  ];
  const { topic } = run(createTopic('group', ORG, 'g1'), [
    groupFrame(1, true, members),
    memberFrame(2, { userId: 'u2', displayName: 'Bob', status: 'dnd', extension: null, statusSince: since, statusMessage: null }, summaryOf(members)),
  ]);

  assert.equal(topic.state.members[0].statusSince, since);
  assert.equal(topic.state.members[0].statusMessage, 'Lunch');
  assert.equal(topic.state.members[1].statusSince, since);
  assert.equal('statusMessage' in topic.state.members[1], false);
});
