// An agent desktop's presence session, held in-band on the agent's socket: the organisation socket it shares with the
// client's other subscriptions, or with multiplex: false its own user socket (docs/presence-sessions.md).
// It is a user subscription plus the session reducer of session-state.js: every time the subscription goes live it
// opens a session with the current status; the gateway renews it while that socket lives and ends it when it closes.

import { Emitter } from './emitter.js';
import { closeSession, createSession, flushActivity, receiveFrame, reportActivity, setStatus, socketLive, socketLost } from './session-state.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 5000;

export class PresenceSession {
  #session;
  #subscription;
  #send = () => {};        // sends on the subscription's socket when it is open; dropped otherwise
  #events = new Emitter();
  #wakeTimer = null;
  #closeTimeoutMs;
  #closing = null;
  #settle = null;          // resolves the wait in close() once the session is closed

  /**
   * `subscribe(extension)` makes the user subscription; the extension lets this session send on its socket and
   * see the frames that are not topic frames (session replies, error frames).
   */
  constructor(options, subscribe) {
    if (options === null || typeof options !== 'object') throw new TypeError('holdSession() takes an options object { device, status }');
    const { closeTimeoutMs = DEFAULT_CLOSE_TIMEOUT_MS } = options;
    if (typeof closeTimeoutMs !== 'number' || !(closeTimeoutMs > 0)) throw new TypeError('closeTimeoutMs must be a positive number');
    this.#closeTimeoutMs = closeTimeoutMs;
    this.#session = createSession(options);
    this.#subscription = subscribe({
      attach: (send) => { this.#send = send; },
      frame: (frame) => this.#apply(receiveFrame(this.#session, frame, Date.now())),
    });
    this.#subscription.on('status', ({ status }) => {
      if (status === 'live') this.#apply(socketLive(this.#session));
      else if (status !== 'connecting') this.#apply(socketLost(this.#session));
    });
  }

  /** The user subscription: its `status` is the connection's, its `state` the user's presence as the gateway sends it. */
  get subscription() { return this.#subscription; }

  /** The user's state (what the handler gets), or null before the first snapshot. */
  get state() { return this.#subscription.state; }

  get device() { return this.#session.device; }

  /** This session's status: the last one set, sent with every session_open. The user's status is `state.status`. */
  get status() { return this.#session.status; }

  /** The id of the session on the current socket, or null while none is open. */
  get sessionId() { return this.#session.sessionId; }

  /** `{ leaseMs, graceMs, idleMs }` from the last session_opened, or null before one. */
  get policy() { return this.#session.policy; }

  /** 'session' events ({ type: 'opened' | 'error' | 'closed', … }); 'status' events are the subscription's. */
  on(event, listener) {
    return event === 'status' ? this.#subscription.on(event, listener) : this.#events.on(event, listener);
  }

  off(event, listener) {
    if (event === 'status') this.#subscription.off(event, listener);
    else this.#events.off(event, listener);
  }

  /** Sets this session's status: sent now if the session is open, otherwise with the next session_open. */
  setStatus(status) {
    this.#apply(setStatus(this.#session, status, Date.now()));
  }

  /** The user did something (input, a click): reported as activity, throttled, so it may be called on every event. */
  activity() {
    this.#apply(reportActivity(this.#session, Date.now()));
  }

  /**
   * Logout: session_close, then unsubscribe. Resolves to true when the gateway confirmed the logout (the user is
   * offline at once if this was their last session); to false when it could not be confirmed within
   * `closeTimeoutMs` or there was no open session, and then the session ends as disconnected (grace, then offline).
   */
  close() {
    if (this.#closing) return this.#closing;
    this.#closing = (async () => {
      const settled = new Promise((resolve) => { this.#settle = resolve; });
      this.#apply(closeSession(this.#session));
      if (this.#session.phase !== 'closed') {
        let timer;
        await Promise.race([settled, new Promise((resolve) => { timer = setTimeout(resolve, this.#closeTimeoutMs); })]);
        clearTimeout(timer);
      }
      await this.#subscription.unsubscribe();
      return this.#session.loggedOut;
    })();
    return this.#closing;
  }

  #apply({ session, send, events, wakeAt }) {
    this.#session = session;
    if (send) this.#send(send);
    for (const event of events) this.#events.emit('session', event);
    if (session.phase === 'closed') this.#settle?.();
    if (session.phase !== 'open' || !session.activityPending) this.#cancelWake();
    else if (wakeAt !== undefined && this.#wakeTimer === null) {
      this.#wakeTimer = setTimeout(() => {
        this.#wakeTimer = null;
        this.#apply(flushActivity(this.#session, Date.now()));
      }, Math.max(0, wakeAt - Date.now()));
    }
  }

  #cancelWake() {
    if (this.#wakeTimer === null) return;
    clearTimeout(this.#wakeTimer);
    this.#wakeTimer = null;
  }
}
