// Layout of a big team on one screen: URL options, a stable row order, 1–3 columns by head count, automatic
// paging with a page indicator, and the "Needs attention" strip that is never paged away.
import { statusLabel, formatDuration } from './format.js';
import { timeOf } from './figures.js';

/** Statuses a supervisor acts on; stale members (no signal) too, whatever their status. */
const ATTENTION = new Set(['away', 'dnd', 'offline']);
export const ATTENTION_CAP = 12;

/**
 * ?order=name|time, ?page=10 (seconds a page stays), ?kiosk=1, ?rotate=a,b&every=30, ?alarm=sound|flash.
 * Unknown values fall back to the defaults and are named in `problems`.
 */
export function layoutOptionsFrom(params) {
  const problems = [];
  const order = params.get('order') ?? 'name';
  const whole = (name, fallback, min) => {
    const raw = params.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min) return value;
    problems.push(`${name}=${raw} is not a whole number >= ${min}`);
    return fallback;
  };
  const alarm = params.get('alarm');
  if (!['name', 'time'].includes(order)) problems.push(`order=${order} is not name or time`);
  if (alarm !== null && !['sound', 'flash'].includes(alarm)) problems.push(`alarm=${alarm} is not sound or flash`);
  return {
    order: order === 'time' ? 'time' : 'name',
    pageSeconds: whole('page', 10, 3),
    kiosk: params.get('kiosk') === '1',
    rotate: (params.get('rotate') ?? '').split(',').map(s => s.trim()).filter(Boolean),
    every: whole('every', 30, 5),
    alarm: ['sound', 'flash'].includes(alarm) ? alarm : null,
    problems,
  };
}

const nameOf = m => String(m.displayName || m.userId);

/**
 * Stable order: by name (default), or by time in status (longest first, name breaks ties; members without a
 * statusSince last). Status changes never move a row under order=name.
 */
export function orderMembers(members, order) {
  const byName = (a, b) => nameOf(a).localeCompare(nameOf(b)) || String(a.userId).localeCompare(String(b.userId));
  if (order !== 'time') return [...members].sort(byName);
  const since = m => timeOf(m.statusSince) ?? Number.POSITIVE_INFINITY;
  return [...members].sort((a, b) => since(a) - since(b) || byName(a, b));
}

export const needsAttention = m => m.stale === true || ATTENTION.has(m.status);

/** 1 column up to 20 agents, 2 up to 60, 3 above; 1 on narrow screens. */
export function columnsFor(count, width) {
  if (width < 1100) return 1;
  if (count <= 20) return 1;
  return count <= 60 ? 2 : 3;
}

/** The strip: capped so it can never take the whole screen; "+N more" says what did not fit. */
export function renderAttention(section, members) {
  const list = section.querySelector('ul');
  const flagged = members.filter(needsAttention);
  section.querySelector('[data-testid="attention-count"]').textContent = String(flagged.length);
  const shown = flagged.slice(0, ATTENTION_CAP).map(m => {
    const item = document.createElement('li');
    item.className = `attention-item status-${m.status}${m.stale ? ' stale' : ''}`;
    item.dataset.testid = 'attention-item';
    item.dataset.userId = m.userId;
    const name = document.createElement('span');
    name.className = 'attention-name';
    name.textContent = nameOf(m);
    const word = document.createElement('span');
    word.className = `badge status-${m.status}`;
    word.textContent = m.stale ? `${statusLabel(m.status)} · No signal` : statusLabel(m.status);
    item.append(name, ' ', word);
    const since = timeOf(m.statusSince);
    if (since !== null) {
      const timer = document.createElement('span');
      timer.className = 'duration';
      timer.dataset.statusSince = String(since);
      timer.textContent = formatDuration((Date.now() - since) / 1000);
      item.append(' ', timer);
    }
    return item;
  });
  if (flagged.length > ATTENTION_CAP) {
    const more = document.createElement('li');
    more.className = 'attention-more';
    more.dataset.testid = 'attention-more';
    more.textContent = `+${flagged.length - ATTENTION_CAP} more`;
    shown.push(more);
  }
  list.replaceChildren(...shown);
  section.hidden = flagged.length === 0;
}

/** Splits the member rows into pages that fit the screen and turns them every `pageSeconds`. */
export class MemberPager {
  #table; #indicator; #pageSeconds; #page = 0; #timer = null;

  constructor(table, indicator, pageSeconds) {
    this.#table = table;
    this.#indicator = indicator;
    this.#pageSeconds = pageSeconds;
    window.addEventListener('resize', () => this.layout());
  }

  /** After the rows were replaced: columns, rows per column, the current page (kept if it still exists). */
  layout() {
    const body = this.#table.tBodies[0];
    const rows = [...body.rows];
    const columns = columnsFor(rows.length, window.innerWidth);
    this.#table.dataset.columns = String(columns);
    for (const row of rows) row.hidden = false;
    const first = rows[0];
    const rowHeight = first ? Math.max(1, first.getBoundingClientRect().height) : 1;
    const footer = document.querySelector('.board-footer')?.getBoundingClientRect().height ?? 0;
    const available = window.innerHeight - body.getBoundingClientRect().top - footer - 8;
    // A phone or laptop scrolls instead: paging is for walls, where nobody scrolls.
    const perColumn = window.innerWidth < 1100 ? rows.length || 1 : Math.max(3, Math.floor(available / rowHeight));
    const perPage = perColumn * columns;
    const pages = Math.max(1, Math.ceil(rows.length / perPage));
    if (this.#page >= pages) this.#page = 0;
    body.style.setProperty('--rows', String(Math.min(perColumn, Math.ceil(rows.length / columns))));
    rows.forEach((row, i) => { row.hidden = Math.floor(i / perPage) !== this.#page; });
    this.#indicator.textContent = pages > 1 ? `Page ${this.#page + 1} of ${pages}` : '';
    this.#indicator.dataset.page = String(this.#page + 1);
    this.#indicator.dataset.pages = String(pages);
    this.#indicator.hidden = pages <= 1;
    if (pages > 1 && this.#timer === null) {
      this.#timer = window.setInterval(() => { this.#page += 1; this.layout(); }, this.#pageSeconds * 1000);
    } else if (pages <= 1 && this.#timer !== null) {
      window.clearInterval(this.#timer);
      this.#timer = null;
    }
  }
}

/** ?rotate=a,b&every=30: after `every` seconds the page opens the next group of the list (same options). */
let rotating = false;
export function scheduleRotation({ rotate, every }, orgId, groupId) {
  if (rotate.length < 2 || rotating) return; // once per page: a reconnect does not add a second timer
  rotating = true;
  const next = rotate[(rotate.indexOf(groupId) + 1) % rotate.length];
  window.setTimeout(() => {
    window.location.assign(`/wallboard/${encodeURIComponent(orgId)}/${encodeURIComponent(next)}${window.location.search}`);
  }, every * 1000);
}

let audio = null;
/** ?alarm=flash|sound: once per turn to red (not on every redraw while red). */
export function raiseAlarm(kind, metric) {
  if (kind === 'flash') {
    metric.classList.remove('alarm-flash');
    void metric.offsetWidth; // restart the animation
    metric.classList.add('alarm-flash');
  } else if (kind === 'sound') {
    try {
      audio ??= new AudioContext();
      const tone = audio.createOscillator();
      tone.frequency.value = 880;
      tone.connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.6);
    } catch { /* no audio on this display: the flash of the red level still shows */ }
  }
}
