// The board: one group subscription through the JavaScript client; the DOM is redrawn from the client's state on
// every change. One 1 s timer ticks call durations and the longest wait locally between server updates.
import { connect } from '/client/index.js';
import { layoutOptionsFrom, orderMembers, renderAttention, MemberPager, scheduleRotation, raiseAlarm } from './layout.js';
import { STATUSES, statusLabel, formatDuration, thresholdsFrom, levelOf, serviceLevelTargetsFrom, serviceLevelOf, LEVEL_TEXT, failureMessage } from './format.js';
import { notLiveText, lastUpdateText, decorateMemberStatus, tickStatusTimes, renderExtraFigures } from './figures.js';
import { takeToken, readToken, forgetToken, wireTokenForm, showTokenForm, rememberGroup, takeDisplayCredential, displayTokenSource, showDisplayRefused } from './session.js';

const $ = testId => document.querySelector(`[data-testid="${testId}"]`);

const [, , orgId, groupId] = window.location.pathname.split('/').map(decodeURIComponent);
const { thresholds, problems } = thresholdsFrom(new URLSearchParams(window.location.search));
const serviceLevel = serviceLevelTargetsFrom(new URLSearchParams(window.location.search));
const layout = layoutOptionsFrom(new URLSearchParams(window.location.search));
const ignored = [...problems, ...serviceLevel.problems, ...layout.problems];
if (ignored.length > 0) $('notice').textContent = `Ignored: ${ignored.join('; ')}. Defaults used.`;
if (layout.kiosk) document.body.classList.add('kiosk');
const pager = new MemberPager($('members'), $('page-indicator'), layout.pageSeconds);

let client = null;
let subscription = null;
// Longest wait as last reported, and when: it advances locally while calls wait.
let queueBase = { key: '', longest: 0, at: 0, waiting: 0 };

let displayRefused = false;
// Not live: figures dimmed and struck (CSS on body[data-live]), timers stopped, the banner says why and since when.
let live = false;
let lastUpdateAt = 0;

/** `token`: a token string, or a wall display's token function (session.js). */
function start(token) {
  $('error').hidden = true;
  $('link-state').dataset.state = 'connecting';
  $('link-state').textContent = 'Connecting…';
  const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const source = typeof token === 'function' ? token : async () => readToken() ?? token;
  // Backoff capped at 2 s: a board is live again within seconds of its gateway coming back (server hints still win).
  client = connect({ url: `${scheme}//${window.location.host}`, token: source, tickets: true, backoff: { initialMs: 500, maxMs: 2000 } });
  subscription = client.subscribeGroup(orgId, groupId, state => render(state));
  subscription.on('status', onStatus);
}

function onStatus({ status, attempt, retryInMs, error }) {
  if (displayRefused) return; // the display's own state stays
  const banner = $('reconnect-banner');
  const link = $('link-state');
  link.dataset.state = status;
  live = status === 'live';
  document.body.dataset.live = String(live);
  $('last-update').textContent = lastUpdateText(lastUpdateAt, live);
  if (status === 'live') {
    link.textContent = 'Live';
    rememberGroup(orgId, groupId);
    scheduleRotation(layout, orgId, groupId);
    banner.textContent = '';
  } else if (status === 'reconnecting') {
    link.textContent = 'Reconnecting…';
    banner.textContent = notLiveText({ attempt, retryInMs, error }, lastUpdateAt);
    banner.dataset.code = String(error?.code ?? error?.closeCode ?? '');
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
  lastUpdateAt = Date.now();
  $('last-update').textContent = lastUpdateText(lastUpdateAt, live);
  $('group-name').textContent = state.groupName || state.groupId;
  document.title = `${state.groupName || state.groupId} – Wallboard`;
  renderTiles(state.summary ?? {});
  renderQueue(state.queueMetrics ?? {});
  renderMembers(state.members ?? []);
  renderExtraFigures($('queue-extra'), state.summary ?? {}, state.queueMetrics ?? {}, state.members ?? []);
  if (live) tickStatusTimes(Date.now());
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
  setMetric('queue-waiting', levelOf(queue.callsWaiting ?? 0, thresholds.waiting), String(queue.callsWaiting ?? 0));
  setMetric('queue-average', levelOf(queue.averageWaitTime ?? 0, thresholds.average), formatDuration(queue.averageWaitTime ?? 0));
  renderServiceLevel(queue);
  tickQueue();
}

/** The rolling window's service level, a headline figure; hidden for a gateway that sends no window figures. */
function renderServiceLevel(queue) {
  const win = queue.window;
  const metric = $('queue-service-level');
  metric.hidden = !win || typeof win !== 'object';
  if (metric.hidden) return;
  const minutes = Number.isFinite(win.minutes) ? `last ${win.minutes} min` : 'recent';
  const within = Number.isFinite(queue.serviceLevelThresholdSeconds) ? `, answered ≤ ${queue.serviceLevelThresholdSeconds} s` : '';
  $('queue-service-level-scope').textContent = `(${minutes}${within})`;
  const value = win.serviceLevel;
  setMetric('queue-service-level', serviceLevelOf(value, serviceLevel.targets), Number.isFinite(value) ? `${value}%` : '–');
}

function tickQueue() {
  const longest = queueBase.waiting > 0 ? queueBase.longest + Math.floor((Date.now() - queueBase.at) / 1000) : 0;
  setMetric('queue-longest', levelOf(longest, thresholds.longest), formatDuration(longest));
}

function setMetric(testId, level, text) {
  const metric = $(testId);
  if (level === 'red' && metric.dataset.level !== 'red' && layout.alarm) raiseAlarm(layout.alarm, metric);
  metric.dataset.level = level;
  $(`${testId}-value`).textContent = text;
  metric.querySelector('.level-text').textContent = LEVEL_TEXT[level] ? `(${LEVEL_TEXT[level]})` : '';
}

function renderMembers(members) {
  const rows = orderMembers(members, layout.order).map(memberRow);
  $('member-rows').replaceChildren(...rows);
  renderAttention($('attention'), orderMembers(members, layout.order));
  pager.layout();
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
  const inStatus = document.createElement('td');
  decorateMemberStatus(member, status, inStatus);
  row.append(name, status, extension, duration, inStatus);
  return row;
}

function tickCalls() {
  const now = Date.now();
  for (const cell of document.querySelectorAll('[data-call-started-at]')) {
    cell.textContent = formatDuration((now - Number(cell.dataset.callStartedAt)) / 1000);
  }
}

function tick() {
  if (live) { // a board that is not live keeps its timers where they stopped
    tickCalls();
    tickQueue();
    tickStatusTimes(Date.now());
  }
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
