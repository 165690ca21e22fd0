// The picker: the groups of the caller's organisation. The organisation comes from the token; the REST API is asked
// for the organisation (which also checks the token) and for the group list. When the gateway has no group list
// (older gateways), the groups this browser opened before and a group-id form are offered instead.
import { takeToken, forgetToken, claimsOf, wireTokenForm, showTokenForm, recentGroups } from './session.js';

const $ = testId => document.querySelector(`[data-testid="${testId}"]`);

async function load(token) {
  const org = claimsOf(token)?.org;
  if (typeof org !== 'string' || !org) {
    forgetToken();
    showTokenForm($('token-form'), 'That is not a presence token (no organisation in it).');
    return;
  }
  const headers = { Authorization: `Bearer ${token}` };
  const base = `/organisation/${encodeURIComponent(org)}`;
  let organisation;
  try {
    organisation = await fetch(base, { headers });
  } catch {
    showError('The gateway cannot be reached. Reload to try again.');
    return;
  }
  if (organisation.status === 401 || organisation.status === 403) {
    forgetToken();
    showTokenForm($('token-form'), 'The gateway refused the token (expired, or for another organisation).');
    return;
  }
  if (!organisation.ok) {
    showError(`The organisation ${org} could not be read (HTTP ${organisation.status}).`);
    return;
  }
  const info = await organisation.json();
  $('org-name').textContent = `${info.name} (${org})`;
  // The form is live as soon as it is shown: a click on Open while the group list still loads would otherwise be a
  // native submit that reloads the picker.
  $('open-form').addEventListener('submit', event => {
    event.preventDefault();
    const groupId = new FormData(event.target).get('groupId').trim();
    window.location.assign(boardUrl(org, groupId));
  });
  $('picker').hidden = false;

  const groups = await listGroups(base, headers);
  const list = $('group-list');
  const entries = groups ?? recentGroups(org).map(groupId => ({ groupId, groupName: groupId }));
  list.replaceChildren(...entries.map(g => groupLink(org, g.groupId, g.groupName)));
  $('group-list-note').textContent = groups
    ? (entries.length === 0 ? 'This organisation has no groups yet.' : '')
    : (entries.length === 0 ? 'Open a group by its id below; it will be listed here next time.' : 'Groups opened recently in this browser.');
}

/** The group list from the REST API, or null when this gateway does not offer one. */
async function listGroups(base, headers) {
  try {
    const response = await fetch(`${base}/user-group`, { headers });
    if (!response.ok) return null;
    const body = await response.json();
    const groups = Array.isArray(body) ? body : body.groups;
    return Array.isArray(groups) ? groups.filter(g => typeof g?.groupId === 'string') : null;
  } catch {
    return null;
  }
}

function boardUrl(org, groupId) {
  return `/wallboard/${encodeURIComponent(org)}/${encodeURIComponent(groupId)}`;
}

function groupLink(org, groupId, groupName) {
  const item = document.createElement('li');
  const link = document.createElement('a');
  link.href = boardUrl(org, groupId);
  link.dataset.testid = 'group-link';
  link.textContent = groupName && groupName !== groupId ? `${groupName} (${groupId})` : groupId;
  item.append(link);
  return item;
}

function showError(text) {
  $('error').textContent = text;
  $('error').hidden = false;
}

wireTokenForm($('token-form'), token => load(token));
const token = takeToken();
if (token) void load(token);
else showTokenForm($('token-form'), 'Paste a token (the development run prints a supervisor token) to list your groups.');
