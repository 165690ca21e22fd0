// When to reconnect and how long to wait: close-code classes of docs/protocol.md ("Errors and close codes") and
// exponential backoff with jitter. Pure functions; `random` is a parameter so the bounds can be tested.

import { CLOSE_CODES } from './protocol.js';

/** Codes after which reconnecting cannot help: the path, the ids, the access or the client itself is wrong. */
export const TERMINAL_CODES = Object.freeze(CLOSE_CODES.filter((c) => c.retry === 'never').map((c) => c.code));
export const UNAUTHORIZED = CLOSE_CODES.find((c) => c.retry === 'new-token').code;
export const CONNECTION_LIMIT = 4008;

/** A server hint above this is not trusted: a wallboard must not go quiet for hours because of one frame. */
export const MAX_HINT_MS = 5 * 60 * 1000;

export const DEFAULT_BACKOFF = Object.freeze({ initialMs: 1000, maxMs: 30000, jitter: 'full' });

/**
 * What to do after a close: 'retry', 'refresh-token' (4003 with a token function that has not been retried yet
 * since the last live connection) or 'fail'.
 */
export function closeAction(code, { canRefreshToken = false, refreshedSinceLive = false } = {}) {
  if (TERMINAL_CODES.includes(code)) return 'fail';
  if (code === UNAUTHORIZED) return canRefreshToken && !refreshedSinceLive ? 'refresh-token' : 'fail';
  return 'retry';
}

/** Validates and fills in backoff options; throws a TypeError that names the bad field. */
export function backoffOptions(options = {}) {
  const merged = { ...DEFAULT_BACKOFF, ...options };
  for (const key of ['initialMs', 'maxMs']) {
    if (!Number.isFinite(merged[key]) || merged[key] < 0) throw new TypeError(`backoff.${key} must be a number >= 0`);
  }
  if (merged.maxMs < merged.initialMs) throw new TypeError('backoff.maxMs must be >= backoff.initialMs');
  if (!['full', 'decorrelated'].includes(merged.jitter)) throw new TypeError("backoff.jitter must be 'full' or 'decorrelated'");
  return Object.freeze(merged);
}

/**
 * The wait before reconnect number `attempt` (0 for the first reconnect after a live connection).
 * - full jitter: uniform in [0, min(maxMs, initialMs * 2^attempt)]
 * - decorrelated jitter: uniform in [initialMs, min(maxMs, 3 * previousMs)] (previousMs: the last wait, or initialMs)
 */
export function backoffDelay(attempt, options, previousMs = null, random = Math.random) {
  const { initialMs, maxMs, jitter } = options;
  if (jitter === 'decorrelated') {
    const upper = Math.min(maxMs, Math.max(initialMs, 3 * (previousMs ?? initialMs)));
    return Math.round(initialMs + random() * (upper - initialMs));
  }
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 52));
  return Math.round(random() * ceiling);
}

/**
 * The wait actually used: the backoff, but at least the server's hint (`retryAfterMs`, or the older
 * `reconnectAfterMs`) and, for 4008 without a hint, at least the backoff cap (the protocol asks for 30 s or more).
 */
export function reconnectDelay(backoffMs, { code = null, hintMs = null, maxMs = DEFAULT_BACKOFF.maxMs } = {}) {
  let floor = 0;
  if (Number.isFinite(hintMs) && hintMs > 0) floor = Math.min(hintMs, MAX_HINT_MS);
  else if (code === CONNECTION_LIMIT) floor = maxMs;
  return Math.max(backoffMs, floor);
}

/** The server's hint from an error frame, if it gave one. */
export function hintFrom(errorFrame) {
  if (!errorFrame) return null;
  const hint = errorFrame.retryAfterMs ?? errorFrame.reconnectAfterMs;
  return Number.isFinite(hint) && hint >= 0 ? hint : null;
}
