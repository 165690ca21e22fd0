// Rendering helpers beside board.js: the not-live look, refusal reasons, and the optional figures (time in status,
// status message, logged in, longest idle, service level windows). Every optional wire field is read defensively:
// absent or malformed -> nothing shown.
import { formatDuration } from './format.js';

/** Epoch ms from a number (ms) or an ISO string; null when absent or not a time. */
export function timeOf(value) {
  if (Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

const clockTime = at => new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/**
 * Banner text while the board is not live. A refusal says why (the gateway's own description: "User 'u' already
 * has 20 open connections."), never just "connection lost".
 */
export function notLiveText({ attempt, retryInMs, error }, lastUpdateAt) {
  const wait = Number.isFinite(retryInMs) ? ` Next try in ${Math.max(1, Math.round(retryInMs / 1000))} s.` : '';
  const since = lastUpdateAt ? ` Figures frozen at ${clockTime(lastUpdateAt)}.` : ' The figures may be out of date.';
  const code = error?.code ?? error?.closeCode ?? null;
  const reason = error?.description || error?.reason || '';
  const head = code === 4008
    ? `NOT LIVE: refused by the gateway (4008)${reason ? `: ${reason}` : ': too many open connections.'}`
    : code && code >= 4000
      ? `NOT LIVE: the gateway closed the connection (${code}${reason ? `: ${reason}` : ''})`
      : 'NOT LIVE: connection lost';
  return `⚠ ${head}; reconnecting (attempt ${attempt ?? 1}).${wait}${since}`;
}

/** "Updated 23:41:05" under the clock; when not live the same time reads as the moment the figures froze. */
export function lastUpdateText(lastUpdateAt, live) {
  if (!lastUpdateAt) return '';
  return live ? `Updated ${clockTime(lastUpdateAt)}` : `Last update ${clockTime(lastUpdateAt)} (not live)`;
}

/** Adds the time-in-status timer and the status message to a member row's status cell. */
export function decorateMemberStatus(member, statusCell, sinceCell) {
  if (typeof member.statusMessage === 'string' && member.statusMessage.trim() !== '') {
    const message = document.createElement('span');
    message.className = 'status-message';
    message.dataset.testid = 'status-message';
    message.textContent = member.statusMessage.trim();
    statusCell.append(' ', message);
  }
  sinceCell.className = 'duration in-status';
  sinceCell.dataset.testid = 'time-in-status';
  const since = timeOf(member.statusSince);
  if (since !== null) sinceCell.dataset.statusSince = String(since);
}

/** Ticks every time-in-status cell (only while live: a frozen board stops its timers). */
export function tickStatusTimes(now) {
  for (const cell of document.querySelectorAll('[data-status-since]')) {
    cell.textContent = formatDuration((now - Number(cell.dataset.statusSince)) / 1000);
  }
}

// As sent (one decimal): the board shows the same figure as the REST snapshot and a supervisor's report.
const pct = value => (Number.isFinite(value) ? `${value}%` : '–');

/** Extra figures, each line only when its wire field is there. */
export function renderExtraFigures(list, summary, queue, members) {
  const lines = [];
  if (Number.isFinite(summary.loggedIn)) {
    lines.push(['logged-in', 'Logged in / available', `${summary.loggedIn} / ${Number.isFinite(summary.available) ? summary.available : '–'}`]);
  }
  const idle = summary.longestIdle;
  const idleSince = timeOf(idle?.since);
  if (idle && typeof idle.userId === 'string' && idleSince !== null) {
    const who = members.find(m => m.userId === idle.userId);
    lines.push(['longest-idle', 'Longest idle', `${who?.displayName || idle.userId}`, idleSince]);
  }
  const threshold = Number.isFinite(queue.serviceLevelThresholdSeconds) ? ` (answered ≤ ${queue.serviceLevelThresholdSeconds} s)` : '';
  const win = queue.window;
  if (win && typeof win === 'object') {
    const minutes = Number.isFinite(win.minutes) ? `last ${win.minutes} min` : 'recent';
    lines.push(['window', `Service level, ${minutes}${threshold}`,
      `${win.answered ?? '–'} answered · ${win.abandoned ?? '–'} abandoned (${pct(win.abandonRate)})`]);
  }
  const today = queue.today;
  if (today && typeof today === 'object') {
    lines.push(['today', `Service level, today${threshold}`,
      `${pct(today.serviceLevel)} · ${today.answered ?? '–'} answered · ${today.abandoned ?? '–'} abandoned (${pct(today.abandonRate)})`]);
  }
  // The window's service level itself is a headline metric of the queue panel (board.js); here its counts.
  const items = lines.map(([id, label, text, since]) => {
    const item = document.createElement('div');
    item.className = 'extra';
    item.dataset.testid = `figure-${id}`;
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = text;
    if (since !== undefined) {
      const timer = document.createElement('span');
      timer.className = 'duration';
      timer.dataset.statusSince = String(since);
      dd.append(' ', timer);
    }
    item.append(dt, dd);
    return item;
  });
  list.replaceChildren(...items);
  list.hidden = items.length === 0;
}
