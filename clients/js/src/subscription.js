// One subscription owns one WebSocket at a time (the protocol serves one topic per socket): it opens it, subscribes,
// feeds frames to the pure topic state, sends heartbeats, refreshes the token in-band, and reconnects by the policy.

import { Emitter, invokeSafely } from './emitter.js';
import { applyFrame, awaitSync, createTopic, isTopicFrame, subscribeMessage, unsubscribeMessage } from './topic-state.js';
import { backoffDelay, closeAction, hintFrom, reconnectDelay } from './reconnect-policy.js';
import { refreshAtMs, resolveToken, tokenExpiryMs } from './token.js';

const OPEN = 1;
const CLOSE_WAIT_MS = 2000;
const ERROR_CLOSE_GRACE_MS = 500;

export class Subscription {
  #options;        // { url, token, WebSocket, heartbeatMs, pongTimeoutMs, connectTimeoutMs, refreshMarginMs, backoff, maxAttempts }
  #handler;
  #onStatus;
  #events = new Emitter();
  #topic;
  #status = 'connecting';
  #socket = null;
  #generation = 0;         // bumped per socket; events of an older socket are ignored
  #attempt = 0;            // reconnects since the last live connection
  #previousDelay = null;
  #refreshedSinceLive = false;
  #lastErrorFrame = null;
  #timers = new Set();
  #pongTimer = null;
  #closing = null;
  #extension;              // a helper that speaks on this socket too (presence-session.js), or null

  /**
   * `extension` ({ attach(send), frame(frame) }, optional) gets a `send` for the current socket and the frames that
   * are neither topic frames nor pongs: session replies and error frames. It learns of live sockets from 'status'.
   */
  constructor(kind, orgId, id, handler, options, onStatus, extension = null) {
    this.kind = kind;
    this.orgId = orgId;
    this.id = id;
    this.#handler = handler;
    this.#options = options;
    this.#onStatus = onStatus;
    this.#topic = createTopic(kind, orgId, id);
    this.#extension = extension;
    extension?.attach((message) => this.#send(message));
    // After the caller's synchronous code, so listeners attached right after subscribe… see it too.
    queueMicrotask(() => {
      if (this.#status === 'connecting') this.#setStatus('connecting', {});
    });
    this.#open();
  }

  /** 'connecting' | 'live' | 'reconnecting' | 'failed' | 'closed' */
  get status() { return this.#status; }

  /** The current state object, or null before the first snapshot. */
  get state() { return this.#topic.state; }

  /** The topic's path, e.g. /organisation/org-12345/user-group/group-sales-team. */
  get path() {
    return `/organisation/${encodeURIComponent(this.orgId)}/${this.kind === 'user' ? 'user' : 'user-group'}/${encodeURIComponent(this.id)}`;
  }

  on(event, listener) { return this.#events.on(event, listener); }
  off(event, listener) { this.#events.off(event, listener); }

  /** Sends unsubscribe, closes the socket and stops every callback. Resolves once the socket has closed (bounded). */
  unsubscribe() {
    if (this.#closing) return this.#closing;
    const socket = this.#socket;
    this.#stop('closed', {});
    this.#closing = new Promise((resolve) => {
      if (!socket || socket.readyState > OPEN) return resolve();
      const done = () => { clearTimeout(timer); resolve(); };
      const timer = setTimeout(done, CLOSE_WAIT_MS);
      socket.onclose = done;
      try {
        if (socket.readyState === OPEN) socket.send(JSON.stringify(unsubscribeMessage(this.#topic)));
        socket.close(1000, 'unsubscribed');
      } catch {
        done();
      }
    });
    return this.#closing;
  }

  async #open() {
    const generation = ++this.#generation;
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

    let socket;
    try {
      socket = new this.#options.WebSocket(`${this.#options.url}${this.path}?access_token=${encodeURIComponent(token)}`);
    } catch (error) {
      // The constructor throws only for a URL it cannot use: a configuration error, retrying cannot help.
      this.#stop('failed', { error: { code: null, message: 'INVALID_URL', description: String(error?.message ?? error) } });
      return;
    }
    this.#socket = socket;
    this.#lastErrorFrame = null;
    const current = () => generation === this.#generation && !this.#isFinal();

    // Not live within the bound (no answer to the handshake, or no snapshot): treat the socket as dead.
    const connectTimer = this.#after(this.#options.connectTimeoutMs, () => {
      if (current()) this.#abandon(socket, { code: 1006, message: 'CONNECT_TIMEOUT', description: `No snapshot within ${this.#options.connectTimeoutMs} ms.` });
    });
    socket.onopen = () => {
      if (!current()) return;
      // With a state to keep, ask the server to resume after our last seq; without, this is a plain subscribe.
      this.#send(subscribeMessage(this.#topic, { resume: this.#topic.state !== null }));
      this.#topic = awaitSync(this.#topic);
      this.#startHeartbeat(socket, current);
      this.#scheduleRefresh(token, socket, current);
    };
    socket.onmessage = (event) => {
      if (!current()) return;
      this.#receive(event.data, () => this.#cancel(connectTimer));
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

  #receive(data, onLive) {
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
    if (frame.type === 'error') {
      this.#lastErrorFrame = frame; // read when the close arrives: its message, description and retry hint
      this.#extension?.frame(frame); // some errors leave the socket open: they answer the extension's messages
      return;
    }
    if (!isTopicFrame(frame)) {
      this.#extension?.frame(frame);
      return;
    }

    const result = applyFrame(this.#topic, frame, Date.now());
    this.#topic = result.topic;
    if (result.resync) this.#send(subscribeMessage(this.#topic));
    if (!result.change) return;
    if (this.#status !== 'live') {
      onLive();
      this.#attempt = 0;
      this.#previousDelay = null;
      this.#refreshedSinceLive = false;
      this.#setStatus('live', {});
    }
    invokeSafely(this.#handler, this.#topic.state, result.change);
  }

  /** After a close or a dead socket: fail on terminal codes, otherwise wait (backoff, server hint) and reopen. */
  #dropped(error, hintMs) {
    if (this.#isFinal()) return;
    const action = closeAction(error.code, {
      canRefreshToken: typeof this.#options.token === 'function',
      refreshedSinceLive: this.#refreshedSinceLive,
    });
    if (action === 'fail') return this.#stop('failed', { error });
    if (action === 'refresh-token') this.#refreshedSinceLive = true; // #open calls the token function again
    if (this.#attempt >= this.#options.maxAttempts) return this.#stop('failed', { error });

    const backoff = backoffDelay(this.#attempt, this.#options.backoff, this.#previousDelay);
    const delay = reconnectDelay(backoff, { code: error.code, hintMs, maxMs: this.#options.backoff.maxMs });
    this.#previousDelay = delay;
    this.#attempt += 1;
    this.#setStatus('reconnecting', { retryInMs: delay, error });
    this.#after(delay, () => this.#open());
  }

  #startHeartbeat(socket, current) {
    const { heartbeatMs, pongTimeoutMs } = this.#options;
    if (!(heartbeatMs > 0)) return;
    const tick = () => {
      if (!current()) return;
      this.#after(heartbeatMs, tick);
      if (this.#pongTimer !== null) return; // still waiting for the previous pong
      this.#send({ type: 'ping' });
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
      if (fresh) this.#send({ action: 'refresh_token', token: fresh });
      this.#scheduleRefresh(fresh ?? token, socket, current);
    });
  }

  /** A socket we no longer trust: forget it (its late events are ignored), close it, and reconnect. */
  #abandon(socket, error) {
    this.#generation += 1;
    this.#clearTimers();
    this.#socket = null;
    detach(socket);
    this.#dropped(error, null);
  }

  #stop(status, details) {
    this.#generation += 1;
    this.#clearTimers();
    const socket = this.#socket;
    this.#socket = null;
    if (status === 'failed' && socket) detach(socket);
    this.#setStatus(status, details);
  }

  #setStatus(status, { retryInMs = null, error = null }) {
    this.#status = status;
    const event = Object.freeze({ status, attempt: this.#attempt, retryInMs, error });
    this.#events.emit('status', event);
    this.#onStatus?.(this, event);
  }

  #send(message) {
    try {
      if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(message));
    } catch {
      // The socket is closing; its close event decides what happens next.
    }
  }

  #isFinal() {
    return this.#status === 'failed' || this.#status === 'closed';
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
    if (timer === null) return;
    clearTimeout(timer);
    this.#timers.delete(timer);
  }

  #clearTimers() {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
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
