// The state of one topic (a user or a group) as a pure reducer over the frames of docs/protocol.md.
// No sockets, no timers: the subscription feeds frames in, sends what the result asks for, and calls the handler.
//
// Rules ("Envelope, seq and snapshot" and the resume addition):
// - a snapshot (`snapshot: true`) replaces the state, whatever seq it has;
// - every other topic frame must carry the last seq + 1; anything else is a gap: ask for a resync (subscribe again)
//   and drop deltas until the snapshot comes, because a delta after a gap patches a state we no longer hold;
// - `resumed` (the reply to a subscribe with lastSeq) keeps the state; the `replayed` frames that follow are ordinary
//   deltas and are marked `resumed: true`.

const TOPIC_FRAMES = new Set(['presence_update', 'group_presence_update', 'member_presence_update']);

/**
 * A topic before any frame. `kind` is 'user' or 'group'; `id` is the userId or groupId.
 * @returns {{kind: string, orgId: string, id: string, seq: number|null, state: object|null, phase: string, replaying: number}}
 */
export function createTopic(kind, orgId, id) {
  if (kind !== 'user' && kind !== 'group') throw new TypeError(`kind must be 'user' or 'group', not ${String(kind)}`);
  return freeze({ kind, orgId, id, seq: null, state: null, phase: 'subscribing', replaying: 0 });
}

/** The subscribe message for this topic; on a reconnect it carries the last seq so the server can resume. */
export function subscribeMessage(topic, { resume = false } = {}) {
  const message = { action: 'subscribe', orgId: topic.orgId, [topic.kind === 'user' ? 'userId' : 'groupId']: topic.id };
  if (resume && Number.isSafeInteger(topic.seq)) message.lastSeq = topic.seq;
  return message;
}

export function unsubscribeMessage(topic) {
  return { action: 'unsubscribe', orgId: topic.orgId, [topic.kind === 'user' ? 'userId' : 'groupId']: topic.id };
}

/** The topic after a (re)subscribe was sent: deltas are dropped until a snapshot or `resumed` arrives. */
export function awaitSync(topic) {
  return freeze({ ...topic, phase: 'subscribing', replaying: 0 });
}

/** True for frames this module consumes (topic frames and `resumed`); pong, error and the rest are the socket's. */
export function isTopicFrame(frame) {
  return frame !== null && typeof frame === 'object' && (TOPIC_FRAMES.has(frame.type) || frame.type === 'resumed');
}

/**
 * The topic a frame names, as 'user:<userId>' or 'group:<groupId>': topic frames by their data, replies and errors
 * of the organisation socket by their fields. null for frames that name none (pong, session replies, socket errors).
 */
export function topicKeyOf(frame) {
  if (frame === null || typeof frame !== 'object') return null;
  if (frame.type === 'presence_update') return typeof frame.data?.userId === 'string' ? `user:${frame.data.userId}` : null;
  if (frame.type === 'group_presence_update' || frame.type === 'member_presence_update') {
    return typeof frame.data?.groupId === 'string' ? `group:${frame.data.groupId}` : null;
  }
  if (typeof frame.userId === 'string') return `user:${frame.userId}`;
  if (typeof frame.groupId === 'string') return `group:${frame.groupId}`;
  return null;
}

/** The key topicKeyOf gives this topic's frames. */
export function topicKey(topic) {
  return `${topic.kind}:${topic.id}`;
}

/**
 * Applies one frame. `nowMs` is the receipt time (Date ms), used to turn `callDuration` into `callStartedAt`.
 * Returns `{ topic, change?, resync? }`: `change` (with the new `topic.state`) when the state changed or the topic
 * went live, `resync: true` when the caller must send subscribe again (without lastSeq) and wait for a snapshot.
 */
export function applyFrame(topic, frame, nowMs) {
  if (!isTopicFrame(frame)) return { topic };
  if (!belongsTo(topic, frame)) return { topic };
  if (frame.type === 'resumed') return applyResumed(topic, frame);
  if (!Number.isSafeInteger(frame.seq)) return gap(topic);

  if (frame.snapshot === true) {
    const state = topic.kind === 'user' ? userState(topic, frame) : groupState(topic, frame, nowMs);
    const missed = topic.state !== null;
    return {
      topic: freeze({ ...topic, seq: frame.seq, state, phase: 'live', replaying: 0 }),
      change: freeze({ type: 'snapshot', resumed: false, missed, frame }),
    };
  }

  // A delta: only on a live topic, and only the next seq.
  if (topic.phase !== 'live' || topic.state === null) return { topic };
  if (frame.seq !== topic.seq + 1) return gap(topic);

  const replayed = topic.replaying > 0;
  const renderedAtMs = replayed ? serverClock(frame, nowMs) : nowMs;
  const [type, state] = frame.type === 'presence_update' ? ['user', userState(topic, frame)]
    : frame.type === 'group_presence_update' ? ['group', groupState(topic, frame, renderedAtMs)]
      : ['member', patchMember(topic.state, frame, renderedAtMs)];
  return {
    topic: freeze({ ...topic, seq: frame.seq, state, replaying: replayed ? topic.replaying - 1 : 0 }),
    change: freeze({ type, resumed: replayed, missed: false, frame }),
  };
}

function applyResumed(topic, frame) {
  // A resume is only meaningful for the seq we asked with; anything else means we no longer know where we are.
  const fits = topic.phase === 'subscribing' && topic.state !== null && frame.fromSeq === topic.seq
    && Number.isSafeInteger(frame.seq) && Number.isSafeInteger(frame.replayed) && frame.replayed >= 0
    && frame.seq === frame.fromSeq + frame.replayed;
  if (!fits) return gap(topic);
  return {
    topic: freeze({ ...topic, phase: 'live', replaying: frame.replayed }),
    change: freeze({ type: 'resumed', resumed: true, missed: false, frame }),
  };
}

function gap(topic) {
  // Already waiting for a snapshot: one resync request is enough.
  if (topic.phase === 'resyncing') return { topic };
  return { topic: freeze({ ...topic, phase: 'resyncing', replaying: 0 }), resync: true };
}

/** A frame for this topic: the right type for its kind and the right id (anything else is not ours to apply). */
function belongsTo(topic, frame) {
  if (frame.type === 'resumed') {
    const id = topic.kind === 'user' ? frame.userId : frame.groupId;
    return frame.orgId === topic.orgId && id === topic.id;
  }
  const data = frame.data;
  if (data === null || typeof data !== 'object') return false;
  return topic.kind === 'user'
    ? frame.type === 'presence_update' && data.userId === topic.id
    : frame.type !== 'presence_update' && data.groupId === topic.id;
}

function userState(topic, frame) {
  const d = frame.data;
  return freeze({
    kind: 'user',
    orgId: d.orgId ?? topic.orgId,
    userId: d.userId,
    seq: frame.seq,
    displayName: d.displayName ?? null,
    status: d.status,
    previousStatus: d.previousStatus ?? null,
    statusMessage: d.statusMessage ?? null,
    lastActivity: d.lastActivity ?? null,
    activeCall: d.activeCall ? freeze({ ...d.activeCall }) : null,
    extension: d.extension ?? null,
    capabilities: freeze({ ...(d.capabilities ?? {}) }),
    stale: d.stale === true,
    lastConfirmedAt: d.lastConfirmedAt ?? null,
    source: d.source ?? null,
    timestamp: frame.timestamp,
  });
}

function groupState(topic, frame, renderedAtMs) {
  const d = frame.data;
  const members = (Array.isArray(d.members) ? d.members : []).map((m) => member(m, renderedAtMs));
  members.sort(byUserId);
  return freeze({
    kind: 'group',
    orgId: d.orgId ?? topic.orgId,
    groupId: d.groupId,
    groupName: d.groupName ?? null,
    seq: frame.seq,
    summary: freeze({ ...(d.summary ?? {}) }),
    members: freeze(members),
    queueMetrics: freeze({ ...(d.queueMetrics ?? {}) }),
    timestamp: frame.timestamp,
  });
}

function patchMember(group, frame, renderedAtMs) {
  const d = frame.data;
  const updated = member(d, renderedAtMs);
  const members = group.members.filter((m) => m.userId !== d.userId);
  members.push(updated); // a member the group did not list yet: membership changes come as group frames, but be safe
  members.sort(byUserId);
  return freeze({
    ...group,
    seq: frame.seq,
    summary: freeze({ ...(d.updatedSummary ?? group.summary) }),
    members: freeze(members),
    timestamp: frame.timestamp,
  });
}

/** A member entry: callDuration (seconds as of rendering) becomes a start time the UI can count up from. */
function member(m, renderedAtMs) {
  const entry = { userId: m.userId, displayName: m.displayName ?? null, status: m.status, extension: m.extension ?? null };
  if (Number.isFinite(m.callDuration)) entry.callStartedAt = renderedAtMs - m.callDuration * 1000;
  if (m.stale === true) entry.stale = true;
  // Time in status and the reason (issue 13): kept as sent, only when sent, so older gateways' members look as before.
  if (typeof m.statusSince === 'string') entry.statusSince = m.statusSince;
  if (typeof m.statusMessage === 'string') entry.statusMessage = m.statusMessage;
  return freeze(entry);
}

/** Replayed frames were rendered when the change happened, not now: use their timestamp (the server's clock). */
function serverClock(frame, fallbackMs) {
  const ms = Date.parse(frame.timestamp);
  return Number.isFinite(ms) ? ms : fallbackMs;
}

// Ordinal order, as the server sorts (not localeCompare).
function byUserId(a, b) {
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

function freeze(value) {
  return Object.freeze(value);
}
