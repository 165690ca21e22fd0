// Pure helpers of the board: labels, durations, thresholds. No DOM.

/** Display order and text of each status: the text is always shown, colour only repeats it. */
export const STATUSES = Object.freeze([
  { id: 'available', label: 'Available', summaryKey: 'available' },
  { id: 'on_call', label: 'On call', summaryKey: 'onCall' },
  { id: 'busy', label: 'Busy', summaryKey: 'busy' },
  { id: 'away', label: 'Away', summaryKey: 'away' },
  { id: 'dnd', label: 'Do not disturb', summaryKey: 'dnd' },
  { id: 'offline', label: 'Offline', summaryKey: 'offline' },
]);

const ORDER = new Map(STATUSES.map((s, i) => [s.id, i]));

export function statusLabel(status) {
  return STATUSES.find(s => s.id === status)?.label ?? String(status);
}

/** Members sorted for the wall: by status (available first, offline last), then by name. */
export function sortMembers(members) {
  return [...members].sort((a, b) =>
    (ORDER.get(a.status) ?? 99) - (ORDER.get(b.status) ?? 99) ||
    String(a.displayName ?? a.userId).localeCompare(String(b.displayName ?? b.userId)));
}

/** 75 -> "1:15", 3725 -> "1:02:05"; negative or missing -> "0:00". */
export function formatDuration(totalSeconds) {
  const s = Number.isFinite(totalSeconds) && totalSeconds > 0 ? Math.floor(totalSeconds) : 0;
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Default amber/red thresholds: waiting calls (count), longest and average wait (seconds). */
export const DEFAULT_THRESHOLDS = Object.freeze({
  waiting: { amber: 3, red: 6 },
  longest: { amber: 60, red: 120 },
  average: { amber: 30, red: 60 },
});

/**
 * Service level (% answered within the group's threshold) is better high: below `amber` it is amber, below `red` red.
 * 80/70 by default: the common 80/20 target, with ten points of warning.
 */
export const DEFAULT_SERVICE_LEVEL_TARGETS = Object.freeze({ amber: 80, red: 70 });

/** ?serviceLevelAmber=80&serviceLevelRed=70 (percent, 0-100, red at most amber); bad values reported in `problems`. */
export function serviceLevelTargetsFrom(searchParams) {
  const problems = [];
  const pick = (name, fallback) => {
    const raw = searchParams.get(name);
    if (raw === null) return fallback;
    const value = Number(raw);
    if (Number.isFinite(value) && value >= 0 && value <= 100) return value;
    problems.push(`${name}=${raw} is not a percentage from 0 to 100`);
    return fallback;
  };
  const amber = pick('serviceLevelAmber', DEFAULT_SERVICE_LEVEL_TARGETS.amber);
  const red = pick('serviceLevelRed', DEFAULT_SERVICE_LEVEL_TARGETS.red);
  if (red > amber) {
    problems.push(`serviceLevelRed (${red}) is above serviceLevelAmber (${amber})`);
    return { targets: { ...DEFAULT_SERVICE_LEVEL_TARGETS }, problems };
  }
  return { targets: { amber, red }, problems };
}

/** The level of a service level against its targets; no figure yet (nothing answered or abandoned) is not an alarm. */
export function serviceLevelOf(value, { amber, red }) {
  if (!Number.isFinite(value)) return 'ok';
  if (value < red) return 'red';
  if (value < amber) return 'amber';
  return 'ok';
}

/**
 * Thresholds from the query string (?waitingAmber=3&waitingRed=6&longestAmber=60&longestRed=120&averageAmber=…).
 * A value that is not a whole number >= 0, or a red below its amber, is ignored and reported in `problems`.
 */
export function thresholdsFrom(searchParams) {
  const result = {};
  const problems = [];
  for (const [metric, defaults] of Object.entries(DEFAULT_THRESHOLDS)) {
    const pick = level => {
      const raw = searchParams.get(`${metric}${level[0].toUpperCase()}${level.slice(1)}`);
      if (raw === null) return defaults[level];
      const value = Number(raw);
      if (Number.isInteger(value) && value >= 0) return value;
      problems.push(`${metric}${level[0].toUpperCase()}${level.slice(1)}=${raw} is not a whole number >= 0`);
      return defaults[level];
    };
    const amber = pick('amber');
    const red = pick('red');
    if (red < amber) {
      problems.push(`${metric}Red (${red}) is below ${metric}Amber (${amber})`);
      result[metric] = { ...defaults };
    } else {
      result[metric] = { amber, red };
    }
  }
  return { thresholds: result, problems };
}

/** 'ok' | 'amber' | 'red' for a value against {amber, red}. */
export function levelOf(value, { amber, red }) {
  if (value >= red) return 'red';
  if (value >= amber) return 'amber';
  return 'ok';
}

export const LEVEL_TEXT = Object.freeze({ ok: '', amber: 'High', red: 'Critical' });

/** The message a terminal failure shows, by close code. */
export function failureMessage(code, detail) {
  const messages = {
    4001: 'This organisation does not exist, or its id in the address is not valid.',
    4003: 'Your token was refused (missing, expired or for another organisation). Paste a new token to continue.',
    4005: 'This group does not exist, or its id in the address is not valid. Pick another group.',
    4006: 'You may not watch this group: only its members, supervisors and admins may.',
    4008: 'The gateway refused the connection: too many open connections for your user or organisation.',
  };
  const text = messages[code] ?? 'The wallboard cannot connect to this group.';
  // The gateway's own reason ("User 'u' already has 20 open connections.") says more than our generic line.
  return detail ? `${text} (${code ? `${code}: ` : ''}${detail})` : text;
}
