// The board: one group subscription through the JavaScript client; the DOM is redrawn from the client's state on
// every change. One 1 s timer ticks call durations and the longest wait locally between server updates.
import { connect } from '/client/index.js';
import { STATUSES, statusLabel, sortMembers, formatDuration, thresholdsFrom, levelOf, LEVEL_TEXT, failureMessage } from './format.js';
import { takeToken, readToken, forgetToken, wireTokenForm, showTokenForm, rememberGroup, takeDisplayCredential, displayTokenSource, showDisplayRefused } from './session.js';

const $ = testId => document.querySelector(`[data-testid="${testId}"]`);

const [, , orgId, groupId] = window.location.pathname.split('/').map(decodeURIComponent);
const { thresholds, problems } = thresholdsFrom(new URLSearchParams(window.location.search));
if (problems.length > 0) $('notice').textContent = `Ignored: ${problems.join('; ')}. Defaults used.`;

let client = null;
let subscription = null;
// Longest wait as last reported, and when: it advances locally while calls wait.
let queueBase = { key: '', longest: 0, at: 0, waiting: 0 };

let displayRefused = false;

/** `token`: a token string, or a wall display's token function (session.js). */
function start(token) {
  $('error').hidden = true;
  $('link-state').dataset.state = 'connecting';
  $('link-state').textContent = 'Connecting…';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const source = typeof token === 'function' ? token : async () => readToken() ?? token;
  client = connect({ url: `${scheme}//${window.location.host}`, token: source, tickets: true });
  subscription = client.subscribeGroup(orgId, groupId, state => render(state));
  subscription.on('status', onStatus);
}

function onStatus({ status, attempt, retryInMs, error }) {
  if (displayRefused) return; // the display's own state stays
  const banner = $('reconnect-banner');
  const link = $('link-state');
  link.dataset.state = status;
  if (status === 'live') {
    link.textContent = 'Live';
    rememberGroup(orgId, groupId);
    banner.textContent = '';
  } else if (status === 'reconnecting') {
    link.textContent = 'Reconnecting…';
    const wait = Number.isFinite(retryInMs) ? ` Next try in ${Math.max(1, Math.round(retryInMs / 1000))} s.` : '';
    banner.textContent = `Connection lost; reconnecting (attempt ${attempt ?? 1}).${wait} The figures below may be out of date.`;
  } else if (status === 'failed') {
    link.textContent = 'Stopped';
    banner.textContent = '';
    fail(error);
  } else if (status === 'connecting') {
    link.textContent = 'Connecting…';
  }
}

function fail(error) {
  const code = error?.code ?? error?.closeCode ?? null;
  const failure = $('error');
  failure.textContent = failureMessage(code, error?.description || error?.message);
  failure.dataset.code = code ?? '';
  failure.hidden = false;
  void client?.close();
  client = null;
  if (code === 4003) {
    forgetToken();
    showTokenForm($('token-form'), 'The gateway refused the token.');
  }
}

function render(state) {
  if (!state) return;
  $('board').hidden = false;
  $('group-name').textContent = state.groupName || state.groupId;
  document.title = `${state.groupName || state.groupId} – Wallboard`;
  renderTiles(state.summary ?? {});
  renderQueue(state.queueMetrics ?? {});
  renderMembers(state.members ?? []);
}

function renderTiles(summary) {
  const tiles = $('tiles');
  if (tiles.children.length === 0) {
    const all = [...STATUSES.map(s => ({ key: s.summaryKey, id: s.id, label: s.label })), { key: 'totalMembers', id: 'total', label: 'Total' }];
    for (const { key, id, label } of all) {
      const tile = document.createElement('li');
      tile.className = `tile status-${id}`;
      tile.dataset.testid = `tile-${id}`;
      tile.dataset.summaryKey = key;
      const count = document.createElement('span');
      count.className = 'count';
      count.dataset.testid = `count-${id}`;
      const name = document.createElement('span');
      name.className = 'tile-label';
      name.textContent = label;
      tile.append(count, name);
      tiles.append(tile);
    }
  }
  for (const tile of tiles.children) {
    const value = summary[tile.dataset.summaryKey];
    tile.querySelector('.count').textContent = Number.isFinite(value) ? String(value) : '–';
  }
}

function renderQueue(queue) {
  const key = `${queue.callsWaiting}|${queue.longestWaitTime}|${queue.averageWaitTime}`;
  if (key !== queueBase.key) {
    queueBase = { key, longest: queue.longestWaitTime ?? 0, at: Date.now(), waiting: queue.callsWaiting ?? 0 };
  }
  setMetric('queue-waiting', queue.callsWaiting ?? 0, thresholds.waiting, String(queue.callsWaiting ?? 0));
  setMetric('queue-average', queue.averageWaitTime ?? 0, thresholds.average, formatDuration(queue.averageWaitTime ?? 0));
  tickQueue();
}

function tickQueue() {
  const longest = queueBase.waiting > 0 ? queueBase.longest + Math.floor((Date.now() - queueBase.at) / 1000) : 0;
  setMetric('queue-longest', longest, thresholds.longest, formatDuration(longest));
}

function setMetric(testId, value, threshold, text) {
  const metric = $(testId);
  const level = levelOf(value, threshold);
  metric.dataset.level = level;
  $(`${testId}-value`).textContent = text;
  metric.querySelector('.level-text').textContent = LEVEL_TEXT[level] ? `(${LEVEL_TEXT[level]})` : '';
}

function renderMembers(members) {
  const rows = sortMembers(members).map(memberRow);
  $('member-rows').replaceChildren(...rows);
  tickCalls();
}

function memberRow(member) {
  const row = document.createElement('tr');
  row.dataset.testid = 'member-row';
  row.dataset.userId = member.userId;
  row.dataset.status = member.status;
  row.dataset.stale = member.stale ? 'true' : 'false';
  row.className = `status-${member.status}${member.stale ? ' stale' : ''}`;

  const name = document.createElement('th');
  name.scope = 'row';
  name.textContent = member.displayName || member.userId;

  const status = document.createElement('td');
  const badge = document.createElement('span');
  badge.className = `badge status-${member.status}`;
  badge.dataset.testid = 'member-status';
  badge.textContent = statusLabel(member.status);
  status.append(badge);
  if (member.stale) {
    const marker = document.createElement('span');
    marker.className = 'stale-marker';
    marker.dataset.testid = 'stale-marker';
    marker.textContent = 'No signal';
    marker.title = "The agent's client has gone quiet; this status may be out of date.";
    status.append(' ', marker);
  }

  const extension = document.createElement('td');
  extension.textContent = member.extension ?? '';

  const duration = document.createElement('td');
  duration.className = 'duration';
  duration.dataset.testid = 'call-duration';
  if (member.status === 'on_call' && Number.isFinite(member.callStartedAt)) duration.dataset.callStartedAt = String(member.callStartedAt);
  row.append(name, status, extension, duration);
  return row;
}

function tickCalls() {
  const now = Date.now();
  for (const cell of document.querySelectorAll('[data-call-started-at]')) {
    cell.textContent = formatDuration((now - Number(cell.dataset.callStartedAt)) / 1000);
  }
}

function tick() {
  tickCalls();
  tickQueue();
  $('clock').textContent = new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

wireTokenForm($('token-form'), token => start(token));
window.setInterval(tick, 1000);
tick();
window.addEventListener('pagehide', () => { subscription?.unsubscribe(); void client?.close(); });

if (!orgId || !groupId) {
  $('error').textContent = 'This address names no group. Open /wallboard to pick one.';
  $('error').hidden = false;
} else {
  const display = takeDisplayCredential();
  const token = display ? null : takeToken();
  if (display) {
    start(displayTokenSource(display, refused => {
      displayRefused = true;
      void client?.close();
      client = null;
      showDisplayRefused(refused, { link: $('link-state'), failure: $('error'), board: $('board'), banner: $('reconnect-banner') });
    }));
  } else if (token) start(token);
  else showTokenForm($('token-form'), 'This wallboard needs a token to read the group.');
}
