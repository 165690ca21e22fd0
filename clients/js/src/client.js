// connect(): checks the options once, then hands out subscriptions. By default all of an organisation's
// subscriptions share one socket, the organisation socket; with `multiplex: false` each has a socket of its own.

import { Emitter } from './emitter.js';
import { Subscription } from './subscription.js';
import { PresenceSession } from './presence-session.js';
import { SocketLink } from './socket-link.js';
import { backoffOptions } from './reconnect-policy.js';
import { checkTokenOption } from './token.js';

const DEFAULTS = Object.freeze({
  heartbeatMs: 30000,
  pongTimeoutMs: 10000,
  connectTimeoutMs: 15000,
  refreshMarginMs: 60000,
  maxAttempts: Infinity,
});

export function connect(options = {}) {
  const settings = checkOptions(options);
  const events = new Emitter();
  const subscriptions = new Set();
  const shared = new Map(); // orgId -> the organisation socket's link
  let closed = false;

  /** The organisation's shared socket, or (multiplex: false) a socket of the topic's own. */
  function linkFor(kind, orgId, id) {
    const org = encodeURIComponent(orgId);
    if (!settings.multiplex) {
      return new SocketLink(`/organisation/${org}/${kind === 'user' ? 'user' : 'user-group'}/${encodeURIComponent(id)}`, settings);
    }
    let link = shared.get(orgId);
    if (!link) {
      link = new SocketLink(`/organisation/${org}`, settings, {
        multiplexed: true,
        onFinal: (done) => { if (shared.get(orgId) === done) shared.delete(orgId); },
      });
      shared.set(orgId, link);
    }
    return link;
  }

  function subscribe(kind, orgId, id, handler, extension = null) {
    if (closed) throw new Error('the client is closed');
    checkId('orgId', orgId);
    checkId(kind === 'user' ? 'userId' : 'groupId', id);
    if (typeof handler !== 'function') throw new TypeError('the handler must be a function (state, change) => {}');
    const link = linkFor(kind, orgId, id);
    if (extension && link.multiplexed && link.extensionCount > 0) {
      throw new Error(`a presence session is already held on the organisation socket of ${orgId}; a socket holds one`);
    }
    const subscription = new Subscription(kind, orgId, id, handler, settings, link, (sub, event) => {
      if (event.status === 'closed') subscriptions.delete(sub);
      events.emit('status', Object.freeze({ subscription: sub, ...event }));
    }, extension);
    subscriptions.add(subscription);
    return subscription;
  }

  return Object.freeze({
    subscribeUser: (orgId, userId, handler) => subscribe('user', orgId, userId, handler),
    subscribeGroup: (orgId, groupId, handler) => subscribe('group', orgId, groupId, handler),
    /** An agent's presence session on the socket of their subscriptions (the organisation socket, or their own user socket); the handler (optional) gets the user's state. */
    holdSession(orgId, userId, options = {}, handler = () => {}) {
      return new PresenceSession(options, (extension) => subscribe('user', orgId, userId, handler, extension));
    },
    on: (event, listener) => events.on(event, listener),
    off: (event, listener) => events.off(event, listener),
    get subscriptions() { return [...subscriptions]; },
    /** Unsubscribes and closes every socket; resolves when they are closed (each wait is bounded). */
    async close() {
      closed = true;
      await Promise.all([...subscriptions].map((s) => s.unsubscribe()));
      events.clear();
    },
  });
}

function checkOptions(options) {
  if (options === null || typeof options !== 'object') throw new TypeError('connect() takes an options object');
  const { url, token } = options;
  if (typeof url !== 'string' || !/^(wss?|https?):\/\/[^/?#]+\/?$/i.test(url)) {
    throw new TypeError(`url must be the gateway's base URL, ws://host:port or wss://host, without a path (got ${JSON.stringify(url)})`);
  }
  checkTokenOption(token);
  if (options.multiplex !== undefined && typeof options.multiplex !== 'boolean') {
    throw new TypeError('multiplex must be a boolean (false gives every subscription a socket of its own)');
  }
  const WebSocket = options.WebSocket ?? globalThis.WebSocket;
  if (typeof WebSocket !== 'function') {
    throw new TypeError('No WebSocket: pass one (connect({ WebSocket }) with the ws package), or on Node 20 run with --experimental-websocket');
  }
  if (options.tickets !== undefined && typeof options.tickets !== 'boolean') {
    throw new TypeError('tickets must be a boolean (true opens sockets with single-use tickets instead of access_token)');
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (options.tickets && typeof fetchFn !== 'function') throw new TypeError('tickets need fetch: pass one (connect({ fetch }))');
  const settings = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS)) {
    if (options[key] === undefined) continue;
    const value = options[key];
    const zeroAllowed = key === 'heartbeatMs' || key === 'refreshMarginMs';
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (value === 0 && !zeroAllowed)) {
      throw new TypeError(`${key} must be a positive number${zeroAllowed ? ' (0 turns it off)' : ''}`);
    }
    settings[key] = value;
  }
  return Object.freeze({
    ...settings,
    // http(s) is accepted too, so a page can pass location.origin; the socket needs ws(s).
    url: url.replace(/\/$/, '').replace(/^http/i, 'ws'),
    token,
    WebSocket,
    backoff: backoffOptions(options.backoff),
    multiplex: options.multiplex ?? true,
    tickets: options.tickets ?? false,
    fetch: (...args) => fetchFn(...args), // called unbound: a browser's fetch refuses another `this`
  });
}

function checkId(name, value) {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`${name} must be a non-empty string`);
}
