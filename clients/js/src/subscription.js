// One topic (a user or a group) the client watches: the pure topic state of topic-state.js fed by the frames its
// socket link hands it, the handler, and the status events. The socket itself is the link's (socket-link.js): the
// organisation socket shared with the client's other topics, or a socket of its own.

import { Emitter, invokeSafely } from './emitter.js';
import { applyFrame, awaitSync, createTopic, isTopicFrame, subscribeMessage, topicKey, unsubscribeMessage } from './topic-state.js';
import { backoffDelay, closeAction, hintFrom, reconnectDelay } from './reconnect-policy.js';

export class Subscription {
  #options;
  #handler;
  #onStatus;
  #events = new Emitter();
  #topic;
  #status = 'connecting';
  #link;
  #extension;
  #closing = null;
  #retries = 0;            // subscribes of this topic refused as retryable (4004 on the organisation socket) in a row
  #retryTimer = null;

  /**
   * `extension` ({ attach(send), frame(frame) }, optional) gets a `send` on the topic's socket and the frames that
   * name no topic: session replies and the socket's error frames. It learns of live sockets from 'status'.
   */
  constructor(kind, orgId, id, handler, options, link, onStatus, extension = null) {
    this.kind = kind;
    this.orgId = orgId;
    this.id = id;
    this.#handler = handler;
    this.#options = options;
    this.#onStatus = onStatus;
    this.#topic = createTopic(kind, orgId, id);
    this.key = topicKey(this.#topic);
    this.#link = link;
    this.#extension = extension;
    if (extension) {
      // On the organisation socket a session names its user (the gateway holds only the token's own).
      extension.attach((message) => link.send(link.multiplexed && message.action === 'session_open' ? { ...message, userId: id } : message));
      link.addExtension(extension);
    }
    // After the caller's synchronous code, so listeners attached right after subscribe… see it too.
    queueMicrotask(() => {
      if (this.#status === 'connecting') this.#setStatus('connecting', {});
    });
    link.add(this);
  }

  /** 'connecting' | 'live' | 'reconnecting' | 'failed' | 'closed' */
  get status() { return this.#status; }

  /** The current state object, or null before the first snapshot. */
  get state() { return this.#topic.state; }

  /** The topic's path, e.g. /organisation/org-12345/user-group/group-sales-team. */
  get path() {
    return `/organisation/${encodeURIComponent(this.orgId)}/${this.kind === 'user' ? 'user' : 'user-group'}/${encodeURIComponent(this.id)}`;
  }

  /** The path of the socket it travels on: /organisation/{orgId} when shared, else its own path. */
  get socketPath() { return this.#link.path; }

  on(event, listener) { return this.#events.on(event, listener); }
  off(event, listener) { this.#events.off(event, listener); }

  /** Sends unsubscribe and stops every callback; its own socket (or a shared one it was the last on) is closed. Resolves once that is done (bounded). */
  unsubscribe() {
    if (this.#closing) return this.#closing;
    const final = this.#isFinal();
    this.#stop('closed', {});
    if (this.#extension) this.#link.removeExtension(this.#extension);
    this.#closing = final ? Promise.resolve() : this.#link.remove(this, { unsubscribe: true });
    return this.#closing;
  }

  // ---- called by the link

  /** A socket opened (or the topic is added to an open one): subscribe, resuming after our last seq if we hold a state. */
  opened() {
    this.#cancelRetry();
    this.#link.send(subscribeMessage(this.#topic, { resume: this.#topic.state !== null }));
    this.#topic = awaitSync(this.#topic);
  }

  frame(frame) {
    if (this.#isFinal()) return;
    if (frame.type === 'error') return this.#refused(frame);
    if (!isTopicFrame(frame)) return; // unsubscribed and the like
    const result = applyFrame(this.#topic, frame, Date.now());
    this.#topic = result.topic;
    if (result.resync) this.#link.send(subscribeMessage(this.#topic));
    if (!result.change) return;
    this.#link.answered(this);
    if (this.#status !== 'live') {
      this.#link.live();
      this.#retries = 0;
      this.#setStatus('live', {});
    }
    invokeSafely(this.#handler, this.#topic.state, result.change);
  }

  /** The socket was lost ('reconnecting', with the link's attempt and wait) or can no longer be used ('failed'). */
  dropped({ status, attempt, retryInMs, error }) {
    if (this.#isFinal()) return;
    this.#cancelRetry();
    if (status === 'failed') this.#stop('failed', { attempt, error });
    else this.#setStatus('reconnecting', { attempt, retryInMs, error });
  }

  unsubscribeMessage() {
    return unsubscribeMessage(this.#topic);
  }

  /** An error naming this topic on the organisation socket: the subscription alone ended or was refused; the socket goes on. */
  #refused(frame) {
    this.#link.answered(this);
    const error = { code: frame.code, message: frame.message, description: frame.description ?? '' };
    if (closeAction(frame.code) !== 'retry') {
      this.#link.remove(this);
      if (this.#extension) this.#link.removeExtension(this.#extension);
      this.#stop('failed', { error });
      return;
    }
    // 4004: the gateway could not set it up now; subscribe again after its hint and our backoff.
    const backoff = backoffDelay(this.#retries, this.#options.backoff);
    const delay = reconnectDelay(backoff, { code: frame.code, hintMs: hintFrom(frame), maxMs: this.#options.backoff.maxMs });
    this.#retries += 1;
    this.#setStatus('reconnecting', { attempt: this.#retries, retryInMs: delay, error });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#isFinal()) this.#link.subscribe(this);
    }, delay);
  }

  #cancelRetry() {
    if (this.#retryTimer === null) return;
    clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #stop(status, details) {
    this.#cancelRetry();
    this.#setStatus(status, details);
  }

  #setStatus(status, { attempt = status === 'live' || status === 'connecting' ? 0 : null, retryInMs = null, error = null }) {
    this.#status = status;
    const event = Object.freeze({ status, attempt: attempt ?? 0, retryInMs, error });
    this.#events.emit('status', event);
    this.#onStatus?.(this, event);
  }

  #isFinal() {
    return this.#status === 'failed' || this.#status === 'closed';
  }
}
