// @freedomcti/presence-client: live presence of FreedomCTI users and groups over the gateway's WebSocket endpoints.
// Plain ES modules with relative imports, so browsers can load this folder as it is (the gateway serves it at /client/).

export { connect } from './client.js';
export { applyFrame, createTopic, subscribeMessage, topicKeyOf } from './topic-state.js';
export { activityIntervalMs, SESSION_STATUSES } from './session-state.js';
export { backoffDelay, closeAction, reconnectDelay, TERMINAL_CODES } from './reconnect-policy.js';
export { CLOSE_CODES, SOURCES, STATUSES } from './protocol.js';
