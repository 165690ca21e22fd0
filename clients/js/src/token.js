// Tokens: a fixed string or an async function that returns a fresh one (called on every (re)connect and before
// expiry). The expiry is read from the JWT's payload only to schedule a refresh; the client never validates tokens.

/** Validates the `token` option. */
export function checkTokenOption(token) {
  if (typeof token === 'function') return;
  if (typeof token !== 'string' || token.length === 0) {
    throw new TypeError('token must be a non-empty string or a function returning one (or a promise of one)');
  }
}

/** The current token: the string, or what the function returns. Throws if the function fails or returns no string. */
export async function resolveToken(token) {
  const value = typeof token === 'function' ? await token() : token;
  if (typeof value !== 'string' || value.length === 0) throw new TypeError('the token function returned no token');
  return value;
}

/** The JWT's `exp` in Date ms, or null when the token is not a JWT with a numeric exp. */
export function tokenExpiryMs(token) {
  const payload = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!payload) return null;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '=');
    const exp = JSON.parse(atob(base64)).exp;
    return Number.isFinite(exp) ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * When to send refresh_token: `marginMs` before expiry, but for a short-lived token at half of its remaining
 * life, and never sooner than one second from now (so a clock that is off cannot make a refresh loop).
 */
export function refreshAtMs(expiryMs, nowMs, marginMs) {
  const remaining = expiryMs - nowMs;
  return nowMs + Math.max(1000, remaining - Math.min(marginMs, remaining / 2));
}
