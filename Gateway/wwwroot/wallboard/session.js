// The page's credentials: a token given as ?token= (kept in sessionStorage, then taken out of the address bar so it
// is not bookmarked, shared or left in history) or pasted into the form. Nothing here verifies the token: the
// gateway does. The payload is read only to know the caller's organisation for the picker.

const KEY = 'freedomcti.wallboard.token';

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
