// The page's credentials: a wall display's credential (#display=, kept in localStorage and exchanged for short-lived
// tokens), or a token given as ?token= (kept in sessionStorage, then taken out of the address bar so it is not
// bookmarked, shared or left in history) or pasted into the form. Nothing here verifies a token: the gateway does.
// The payload is read only to know the caller's organisation for the picker. Sockets are opened with single-use
// tickets (the client's `tickets` option), so no token appears in a socket URL or in the console.

const KEY = 'freedomcti.wallboard.token';
// A wall display's credential (docs/security.md, "Wall displays"): given once in the setup link's fragment
// (#display=…, which never reaches a server or its logs), then kept in localStorage so the board signs itself in again
// after a restart of the browser, and exchanged for a short-lived read-only token whenever the client needs one.
const DISPLAY_KEY = 'freedomcti.wallboard.display';
const DISPLAY_TOKEN_PATH = '/display/token';
const REVOKED_TYPE = 'urn:freedomcti:problem:display-revoked';

/** Moves ?token= from the URL into sessionStorage; returns the token to use, or null. */
export function takeToken() {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    saveToken(fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  return readToken();
}

export function readToken() {
  const token = window.sessionStorage.getItem(KEY);
  return token && token.trim() ? token.trim() : null;
}

export function saveToken(token) {
  window.sessionStorage.setItem(KEY, token.trim());
}

export function forgetToken() {
  window.sessionStorage.removeItem(KEY);
}

/** Moves #display= from the address bar into localStorage; returns the display credential to use, or null. */
export function takeDisplayCredential() {
  const fragment = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('display');
  if (fromUrl && fromUrl.trim()) {
    try {
      window.localStorage.setItem(DISPLAY_KEY, fromUrl.trim());
    } catch {
      // storage disabled: the board runs until the page is reloaded
      displayFallback = fromUrl.trim();
    }
    fragment.delete('display');
    const rest = fragment.toString();
    window.history.replaceState(null, '', window.location.pathname + window.location.search + (rest ? `#${rest}` : ''));
  }
  try {
    return window.localStorage.getItem(DISPLAY_KEY) ?? displayFallback;
  } catch {
    return displayFallback;
  }
}

let displayFallback = null;

/**
 * The client's token function for a wall display: every call exchanges the credential for a fresh read-only token
 * (POST /display/token, the credential in the body). The client calls it on every (re)connect and before the token
 * expires, and renews on the open socket with refresh_token. When the gateway refuses the credential (revoked, or
 * not a credential), `onRefused({ revoked, title, detail })` runs once and every later call fails.
 */
export function displayTokenSource(credential, onRefused) {
  let refused = null;
  return async () => {
    if (refused) throw new Error(refused.title);
    const response = await fetch(DISPLAY_TOKEN_PATH, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential }),
      cache: 'no-store',
    });
    if (response.status === 401) {
      const problem = await response.json().catch(() => ({}));
      refused = {
        revoked: problem?.type === REVOKED_TYPE,
        title: typeof problem?.title === 'string' ? problem.title : 'Display credential refused',
        detail: typeof problem?.detail === 'string' ? problem.detail : '',
      };
      onRefused(refused);
      throw new Error(refused.title);
    }
    if (!response.ok) throw new Error(`The display token could not be renewed (HTTP ${response.status}); retrying.`);
    const body = await response.json();
    if (typeof body?.accessToken !== 'string') throw new Error('The gateway answered no display token.');
    return body.accessToken;
  };
}

/** Shows the board's "display revoked" state (or "credential not valid") in the failure element and the link state. */
export function showDisplayRefused(refused, { link, failure, board, banner }) {
  link.dataset.state = refused.revoked ? 'revoked' : 'refused';
  link.textContent = refused.revoked ? 'Display revoked' : 'Not signed in';
  banner.textContent = '';
  failure.dataset.code = refused.revoked ? 'display-revoked' : 'display-invalid';
  failure.textContent = refused.revoked
    ? `This display was revoked by an admin and no longer shows presence. ${refused.detail}`.trim()
    : `This display's credential is not valid. Ask an admin of the organisation for a new display link. ${refused.detail}`.trim();
  failure.hidden = false;
  board.hidden = true; // no figures that can no longer be updated
}

/** The JWT's claims (unverified), or null when it is not a JWT. */
export function claimsOf(token) {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return null;
  try {
    const base64 = parts[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = new TextDecoder().decode(Uint8Array.from(atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '=')), c => c.charCodeAt(0)));
    const claims = JSON.parse(json);
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/**
 * Wires the paste-a-token form (a <form> with a <textarea name="token">): shown when there is no token or it was
 * refused; on submit the token is saved and `onToken` runs.
 */
export function wireTokenForm(form, onToken) {
  form.addEventListener('submit', event => {
    event.preventDefault();
    const token = new FormData(form).get('token');
    if (typeof token !== 'string' || !token.trim()) {
      form.querySelector('[data-testid="token-form-error"]').textContent = 'Paste a token first.';
      return;
    }
    saveToken(token);
    form.hidden = true;
    onToken(token.trim());
  });
}

export function showTokenForm(form, reason) {
  form.hidden = false;
  form.querySelector('[data-testid="token-form-reason"]').textContent = reason;
  form.querySelector('textarea').value = '';
  form.querySelector('textarea').focus();
}

const RECENT_KEY = 'freedomcti.wallboard.recent';
const MAX_RECENT = 12;

/** Groups this browser opened, per organisation, newest first: the picker's list when the gateway has none. */
export function recentGroups(org) {
  try {
    const all = JSON.parse(window.localStorage.getItem(RECENT_KEY) ?? '{}');
    return Array.isArray(all?.[org]) ? all[org].filter(g => typeof g === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberGroup(org, groupId) {
  try {
    const all = JSON.parse(window.localStorage.getItem(RECENT_KEY) ?? '{}') ?? {};
    all[org] = [groupId, ...recentGroups(org).filter(g => g !== groupId)].slice(0, MAX_RECENT);
    window.localStorage.setItem(RECENT_KEY, JSON.stringify(all));
  } catch {
    // storage full or disabled: the picker just lists fewer groups
  }
}
