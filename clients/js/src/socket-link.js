// One WebSocket at a time to one gateway path, shared by the subscriptions it carries: the organisation socket
// (/organisation/{orgId}) carries any number of users and groups, a topic socket exactly one. The link opens the
// socket with the token, sends heartbeats, refreshes the token in-band, hands each frame to the subscriptions of the
// topic it names, and reconnects by the policy. Each subscription subscribes itself on every socket that opens.

import { backoffDelay, closeAction, hintFrom, reconnectDelay } from './reconnect-policy.js';
import { refreshAtMs, resolveToken, tokenExpiryMs } from './token.js';
import { topicKeyOf } from './topic-state.js';

const OPEN = 1;
const CLOSE_WAIT_MS = 2000;
const ERROR_CLOSE_GRACE_MS = 500;

/**
 * A member is a subscription: `{ key, opened(), frame(frame), dropped(event), unsubscribeMessage() }`. `key` is
 * 'user:<id>' or 'group:<id>'. An extension (`{ frame(frame) }`) sees the frames that name no topic: session replies
 * and the error frames of the socket itself.
 */
export class SocketLink {
  #options;        // { url, token, tickets, fetch, WebSocket, heartbeatMs, pongTimeoutMs, connectTimeoutMs, refreshMarginMs, backoff, maxAttempts }
  #path;
  #onFinal;
  #members = new Map();    // key -> Set of members
  #extensions = new Set();
  #state = 'idle';         // 'idle' | 'connecting' | 'open' | 'waiting' | 'failed' | 'closed'
  #socket = null;
  #generation = 0;         // bumped per socket; events of an older socket are ignored
  #attempt = 0;            // reconnects since the last live connection
  #previousDelay = null;
  #refreshedSinceLive = false;
  #lastErrorFrame = null;
  #timers = new Set();
  #pongTimer = null;
  #answerTimers = new Map(); // member -> timer: its subscribe must be answered in time, or the socket is dead

  /** `multiplexed`: an organisation socket, whose error frames may name one topic and end only its subscription. */
  constructor(path, options, { multiplexed = false, onFinal = () => {} } = {}) {
    this.#path = path;
    this.#options = options;
    this.multiplexed = multiplexed;
    this.#onFinal = onFinal;
  }

  get path() { return this.#path; }

  get isOpen() { return this.#state === 'open' && this.#socket?.readyState === OPEN; }

  /** Carries one more subscription: it subscribes now if the socket is open, else when it opens. */
  add(member) {
    if (this.#isFinal()) throw new Error('the connection is closed');
    if (!this.#members.has(member.key)) this.#members.set(member.key, new Set());
    this.#members.get(member.key).add(member);
    if (this.#state === 'idle') this.#open();
    else if (this.isOpen) this.subscribe(member);
  }

  /** Sends the member's subscribe on the open socket and expects an answer within connectTimeoutMs. */
  subscribe(member) {
    if (!this.isOpen) return;
    member.opened();
    this.#armAnswer(member);
  }

  /**
   * Stops carrying a subscription. With `unsubscribe`, the gateway is told (unless another subscription of this
   * client watches the same topic here). The last one closes the socket: the promise resolves once it is closed
   * (bounded); otherwise at once.
   */
  remove(member, { unsubscribe = false } = {}) {
    this.#answered(member);
    const same = this.#members.get(member.key);
    if (!same?.delete(member)) return Promise.resolve();
    if (same.size === 0) this.#members.delete(member.key);
    const message = unsubscribe && same.size === 0 ? member.unsubscribeMessage() : null;
    if (this.#members.size > 0) {
      if (message) this.send(message);
      return Promise.resolve();
    }
    return this.#shutdown(message);
  }

  addExtension(extension) { this.#extensions.add(extension); }

  removeExtension(extension) { this.#extensions.delete(extension); }

  get extensionCount() { return this.#extensions.size; }

  /** A subscription got its snapshot or `resumed`: its subscribe was answered. */
  answered(member) { this.#answered(member); }

  /** A subscription went live on this socket: the connection works, so the reconnect count starts over. */
  live() {
    this.#attempt = 0;
    this.#previousDelay = null;
    this.#refreshedSinceLive = false;
  }

  send(message) {
    try {
      if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close event decides what happens next.
    }
  }

  async #open() {
    const generation = ++this.#generation;
    this.#state = 'connecting';
    let token;
    try {
      token = await resolveToken(this.#options.token);
    } catch (error) {
      if (generation === this.#generation && !this.#isFinal()) {
        this.#dropped({ code: null, message: 'TOKEN_UNAVAILABLE', description: String(error?.message ?? error) }, null);
      }
      return;
    }
    if (generation !== this.#generation || this.#isFinal()) return;

    // With tickets, the URL carries a single-use ticket bought with the token (in a header), never the token itself.
    let credential = `access_token=${encodeURIComponent(token)}`;
    if (this.#options.tickets) {
      const ticket = await this.#ticket(token);
      if (generation !== this.#generation || this.#isFinal()) return;
      if (ticket.error) {
        this.#dropped(ticket.error, ticket.hintMs);
        return;
      }
      credential = `ticket=${encodeURIComponent(ticket.ticket)}`;
    }

    let socket;
    try {
      socket = new this.#options.WebSocket(`${this.#options.url}${this.#path}?${credential}`);
    } catch (error) {
      // The constructor throws only for a URL it cannot use: a configuration error, retrying cannot help.
      this.#fail({ code: null, message: 'INVALID_URL', description: String(error?.message ?? error) });
      return;
    }
    this.#socket = socket;
    this.#lastErrorFrame = null;
    const current = () => generation === this.#generation && !this.#isFinal();

    // No answer to the handshake within the bound: treat the socket as dead.
    const handshakeTimer = this.#after(this.#options.connectTimeoutMs, () => {
      if (current() && this.#state === 'connecting') {
        this.#abandon(socket, { code: 1006, message: 'CONNECT_TIMEOUT', description: `No connection within ${this.#options.connectTimeoutMs} ms.` });
      }
    });
    socket.onopen = () => {
      if (!current()) return;
      this.#cancel(handshakeTimer);
      this.#state = 'open';
      for (const member of this.#allMembers()) this.subscribe(member);
      this.#startHeartbeat(socket, current);
      this.#scheduleRefresh(token, socket, current);
    };
    socket.onmessage = (event) => {
      if (current()) this.#receive(event.data);
    };
    socket.onerror = () => {
      // Browsers follow an error with a close event, whose code is what matters. Node 20's WebSocket does not when
      // the connection is refused: give the close event a moment, then treat the socket as lost.
      if (!current()) return;
      this.#after(ERROR_CLOSE_GRACE_MS, () => {
        if (current() && this.#socket === socket) {
          this.#abandon(socket, { code: 1006, message: 'CONNECTION_FAILED', description: 'The connection failed.' });
        }
      });
    };
    socket.onclose = (event) => {
      if (!current()) return;
      this.#clearTimers();
      this.#socket = null;
      const frame = this.#lastErrorFrame?.code === event.code ? this.#lastErrorFrame : null;
      this.#dropped({
        code: event.code,
        message: frame?.message ?? (event.reason || 'CONNECTION_CLOSED'),
        description: frame?.description ?? '',
      }, hintFrom(frame));
    };
  }

  /**
   * POST /organisation/{orgId}/socket-tickets with the token in the Authorization header: `{ ticket }`, or `{ error,
   * hintMs }` as a close would give it (401/403 as 4003, so a token function gets its one more try; 404 as 4001).
   */
  async #ticket(token) {
    const orgId = this.#path.split('/')[2];
    const url = `${this.#options.url.replace(/^ws/i, 'http')}/organisation/${orgId}/socket-tickets`;
    let response;
    try {
      response = await this.#options.fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
    } catch (error) {
      return { error: { code: 1006, message: 'TICKET_UNAVAILABLE', description: String(error?.message ?? error) }, hintMs: null };
    }
    let body = null;
    try {
      body = await response.json();
    } catch {
      // not JSON: the status says enough
    }
    if (response.ok && typeof body?.ticket === 'string') return { ticket: body.ticket };
    const description = typeof body?.detail === 'string' ? body.detail : `The socket ticket was refused (HTTP ${response.status}).`;
    if (response.status === 401 || response.status === 403) return { error: { code: 4003, message: 'UNAUTHORIZED', description }, hintMs: null };
    if (response.status === 404) return { error: { code: 4001, message: 'INVALID_ORG_ID', description }, hintMs: null };
    const retryAfter = Number(response.headers?.get?.('Retry-After'));
    return {
      error: { code: 1013, message: 'TICKET_UNAVAILABLE', description },
      hintMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null,
    };
  }

  #receive(data) {
    if (typeof data !== 'string') return; // the protocol is JSON text only
    let frame;
    try {
      frame = JSON.parse(data);
    } catch {
      return;
    }
    if (frame === null || typeof frame !== 'object') return;
    if (frame.type === 'pong') {
      this.#cancel(this.#pongTimer);
      this.#pongTimer = null;
      return;
    }
    const key = topicKeyOf(frame);
    if (frame.type === 'error' && !(this.multiplexed && key)) {
      // The socket's own error: read when the close arrives (its message, description and retry hint); some leave
      // the socket open and answer an extension's message.
      this.#lastErrorFrame = frame;
      for (const extension of this.#extensions) extension.frame(frame);
      return;
    }
    if (key === null) {
      for (const extension of this.#extensions) extension.frame(frame);
      return;
    }
    // A topic socket carries one topic; an organisation socket hands a frame to the subscriptions of the topic it names.
    const members = this.multiplexed ? [...(this.#members.get(key) ?? [])] : this.#allMembers();
    for (const member of members) member.frame(frame);
  }

  /** After a close or a dead socket: fail on terminal codes, otherwise wait (backoff, server hint) and reopen. */
  #dropped(error, hintMs) {
    if (this.#isFinal()) return;
    const action = closeAction(error.code, {
      canRefreshToken: typeof this.#options.token === 'function',
      refreshedSinceLive: this.#refreshedSinceLive,
    });
    if (action === 'fail') return this.#fail(error);
    if (action === 'refresh-token') this.#refreshedSinceLive = true; // #open calls the token function again
    if (this.#attempt >= this.#options.maxAttempts) return this.#fail(error);

    const backoff = backoffDelay(this.#attempt, this.#options.backoff, this.#previousDelay);
    const delay = reconnectDelay(backoff, { code: error.code, hintMs, maxMs: this.#options.backoff.maxMs });
    this.#previousDelay = delay;
    this.#attempt += 1;
    this.#state = 'waiting';
    const event = Object.freeze({ status: 'reconnecting', attempt: this.#attempt, retryInMs: delay, error });
    for (const member of this.#allMembers()) member.dropped(event);
    this.#after(delay, () => this.#open());
  }

  /** The socket can no longer be used: every subscription it carries fails with this error. */
  #fail(error) {
    const members = this.#allMembers();
    this.#stop('failed');
    this.#members.clear();
    const event = Object.freeze({ status: 'failed', attempt: this.#attempt, retryInMs: null, error });
    for (const member of members) member.dropped(event);
    this.#onFinal(this);
  }

  /** The last subscription left: send its unsubscribe (if any), close the socket, resolve once it is closed (bounded). */
  #shutdown(message) {
    const socket = this.#socket;
    this.#stop('closed', false);
    this.#onFinal(this);
    return new Promise((resolve) => {
      if (!socket || socket.readyState > OPEN) return resolve();
      const done = () => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, CLOSE_WAIT_MS);
      socket.onopen = socket.onmessage = null;
      socket.onerror = () => {};
      socket.onclose = done;
      try {
        if (message && socket.readyState === OPEN) socket.send(JSON.stringify(message));
        socket.close(1000, 'unsubscribed');
      } catch {
        done();
      }
    });
  }

  #startHeartbeat(socket, current) {
    const { heartbeatMs, pongTimeoutMs } = this.#options;
    if (!(heartbeatMs > 0)) return;
    const tick = () => {
      if (!current()) return;
      this.#after(heartbeatMs, tick);
      if (this.#pongTimer !== null) return; // still waiting for the previous pong
      this.send({ type: 'ping' });
      this.#pongTimer = this.#after(pongTimeoutMs, () => {
        this.#pongTimer = null;
        if (current()) this.#abandon(socket, { code: 1006, message: 'PONG_TIMEOUT', description: `No pong within ${pongTimeoutMs} ms.` });
      });
    };
    this.#after(heartbeatMs, tick);
  }

  /** With a token function, send refresh_token before the token expires so the socket is not closed with 4003. */
  #scheduleRefresh(token, socket, current) {
    if (typeof this.#options.token !== 'function' || !(this.#options.refreshMarginMs > 0)) return;
    const expiry = tokenExpiryMs(token);
    if (expiry === null) return;
    const at = refreshAtMs(expiry, Date.now(), this.#options.refreshMarginMs);
    this.#after(at - Date.now(), async () => {
      if (!current()) return;
      let fresh;
      try {
        fresh = await resolveToken(this.#options.token);
      } catch {
        fresh = null; // keep the old token; if it expires, the 4003 close gets one reconnect with a new token
      }
      if (!current() || socket.readyState !== OPEN) return;
      if (fresh) this.send({ action: 'refresh_token', token: fresh });
      this.#scheduleRefresh(fresh ?? token, socket, current);
    });
  }

  #armAnswer(member) {
    this.#answered(member);
    const socket = this.#socket;
    const generation = this.#generation;
    this.#answerTimers.set(member, this.#after(this.#options.connectTimeoutMs, () => {
      this.#answerTimers.delete(member);
      if (generation === this.#generation && !this.#isFinal()) {
        this.#abandon(socket, { code: 1006, message: 'CONNECT_TIMEOUT', description: `No snapshot within ${this.#options.connectTimeoutMs} ms.` });
      }
    }));
  }

  #answered(member) {
    const timer = this.#answerTimers.get(member);
    if (timer === undefined) return;
    this.#answerTimers.delete(member);
    this.#cancel(timer);
  }

  /** A socket we no longer trust: forget it (its late events are ignored), close it, and reconnect. */
  #abandon(socket, error) {
    this.#generation += 1;
    this.#clearTimers();
    this.#socket = null;
    detach(socket);
    this.#dropped(error, null);
  }

  #stop(state, detachSocket = true) {
    this.#generation += 1;
    this.#state = state;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    if (detachSocket && socket) detach(socket);
  }

  #allMembers() {
    return [...this.#members.values()].flatMap((set) => [...set]);
  }

  #isFinal() {
    return this.#state === 'failed' || this.#state === 'closed';
  }

  #after(ms, fn) {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, Math.max(0, ms));
    this.#timers.add(timer);
    return timer;
  }

  #cancel(timer) {
    if (timer === null || timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #clearTimers() {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#answerTimers.clear();
    this.#pongTimer = null;
  }
}

function detach(socket) {
  socket.onopen = socket.onmessage = socket.onclose = null;
  socket.onerror = () => {};
  try {
    socket.close();
  } catch {
    // Already closed.
  }
}
