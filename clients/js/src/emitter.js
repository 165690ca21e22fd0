// A minimal event emitter that works the same in browsers and Node (no EventTarget subclassing quirks).
// A listener that throws does not stop the others or the client; the error is reported like an uncaught one.

export class Emitter {
  #listeners = new Map();

  /** Adds a listener; returns a function that removes it. */
  on(event, listener) {
    if (typeof listener !== 'function') throw new TypeError(`the '${event}' listener must be a function`);
    if (!this.#listeners.has(event)) this.#listeners.set(event, new Set());
    this.#listeners.get(event).add(listener);
    return () => this.off(event, listener);
  }

  off(event, listener) {
    this.#listeners.get(event)?.delete(listener);
  }

  emit(event, payload) {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) invokeSafely(listener, payload);
  }

  clear() {
    this.#listeners.clear();
  }
}

/** Calls user code; a throw is reported (browser: reportError; Node: console.error) instead of breaking the client. */
export function invokeSafely(fn, ...args) {
  try {
    fn(...args);
  } catch (error) {
    if (typeof globalThis.reportError === 'function') globalThis.reportError(error);
    else console.error('presence-client: a listener threw', error);
  }
}
