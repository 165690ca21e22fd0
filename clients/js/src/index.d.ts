// Types of @freedomcti/presence-client. The wire protocol is described in docs/protocol.md of the presence service.

export type PresenceStatus = 'available' | 'busy' | 'on_call' | 'away' | 'dnd' | 'offline';
export type SubscriptionStatus = 'connecting' | 'live' | 'reconnecting' | 'failed' | 'closed';

/** A token, or a function returning a fresh one; the function is called on every (re)connect and before expiry. */
export type TokenSource = string | (() => string | Promise<string>);

export interface BackoffOptions {
  /** First reconnect delay ceiling (full jitter) or floor (decorrelated). Default 1000. */
  initialMs?: number;
  /** Cap. Default 30000. */
  maxMs?: number;
  /** 'full' (default): uniform in [0, min(maxMs, initialMs * 2^attempt)]; 'decorrelated': uniform in [initialMs, min(maxMs, 3 * previous)]. */
  jitter?: 'full' | 'decorrelated';
}

/** The standard WebSocket constructor shape (browsers, Node 22+, Node 20 with --experimental-websocket, the ws package). */
export type WebSocketConstructor = new (url: string) => {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
};

export interface ConnectOptions {
  /** The gateway's base URL: ws://host:port or wss://host (http(s) is accepted and mapped), no path. */
  url: string;
  token: TokenSource;
  /**
   * true: open each socket with a single-use ticket (POST /organisation/{orgId}/socket-tickets with the token in the
   * Authorization header, then ?ticket=), so the token never appears in a socket URL. Default false (?access_token=).
   */
  tickets?: boolean;
  /** Used for tickets. Default: globalThis.fetch. */
  fetch?: (url: string, init: { method: string; headers: Record<string, string> }) => Promise<{ ok: boolean; status: number; json(): Promise<unknown>; headers?: { get(name: string): string | null } }>;
  /** Default: globalThis.WebSocket. */
  WebSocket?: WebSocketConstructor;
  /** Interval of {"type":"ping"}; 0 turns the heartbeat off. Default 30000. */
  heartbeatMs?: number;
  /** No pong within this time: the socket is treated as dead and replaced. Default 10000. */
  pongTimeoutMs?: number;
  /** No snapshot (or resume) within this time after creating a socket: the socket is treated as dead. Default 15000. */
  connectTimeoutMs?: number;
  /** With a token function: send refresh_token this long before the token's exp (half the remaining life for short tokens); 0 turns it off. Default 60000. */
  refreshMarginMs?: number;
  /** Reconnect attempts in a row (without going live) before the subscription fails. Default Infinity. */
  maxAttempts?: number;
  /**
   * true (default): all subscriptions (and the presence session) of one organisation share one socket, the
   * organisation socket /organisation/{orgId}. false: each subscription opens a socket of its own on its topic's path.
   */
  multiplex?: boolean;
  backoff?: BackoffOptions;
}

export interface Capabilities {
  canReceiveCalls?: boolean;
  canMakeOutbound?: boolean;
  canTransfer?: boolean;
}

export interface ActiveCall {
  callId: string;
  direction: 'inbound' | 'outbound';
  remoteParty: string | null;
  /** ISO-8601 (server clock). */
  startedAt: string;
  /** Whole seconds as of the frame's rendering. */
  callDuration: number;
}

export interface UserState {
  readonly kind: 'user';
  readonly orgId: string;
  readonly userId: string;
  readonly seq: number;
  readonly displayName: string | null;
  readonly status: PresenceStatus;
  readonly previousStatus: PresenceStatus | null;
  readonly statusMessage: string | null;
  /** ISO-8601. */
  readonly lastActivity: string | null;
  readonly activeCall: Readonly<ActiveCall> | null;
  readonly extension: string | null;
  readonly capabilities: Readonly<Capabilities>;
  /** The agent's client has gone quiet (false when the server does not send it). */
  readonly stale: boolean;
  readonly lastConfirmedAt: string | null;
  /** Who decided the status: "manual", "call", "session", "idle", "expired", "logout"; null when not sent. */
  readonly source: string | null;
  /** The frame's timestamp: when the change happened (ISO-8601). */
  readonly timestamp: string;
}

export interface GroupMember {
  readonly userId: string;
  readonly displayName: string | null;
  readonly status: PresenceStatus;
  readonly extension: string | null;
  /** On a call: when it started (Date ms, client clock), from callDuration; count the duration up from it. */
  readonly callStartedAt?: number;
  /** Present (true) only while the member's client has gone quiet. */
  readonly stale?: true;
  /** When the member entered its status (ISO-8601); absent from gateways before issue 13, and when not known. */
  readonly statusSince?: string;
  /** The reason while away, dnd or busy; absent otherwise. */
  readonly statusMessage?: string;
}

/** Counts per status; loggedIn and longestIdle come from gateways since issue 13 (absent before). */
export interface GroupSummary {
  totalMembers: number;
  available: number;
  busy: number;
  onCall: number;
  away: number;
  dnd: number;
  offline: number;
  loggedIn?: number;
  longestIdle?: { userId: string; since: string } | null;
}

/** How calls left a queue over a period; rates are percentages with one decimal, null when no call counted. */
export interface QueueOutcomes {
  answered: number;
  abandoned: number;
  abandonRate: number | null;
  serviceLevel: number | null;
}

/** callsWaiting, averageWaitTime, longestWaitTime always; the rest from gateways since issue 13 (absent before). */
export interface QueueMetrics {
  callsWaiting: number;
  averageWaitTime: number;
  longestWaitTime: number;
  serviceLevelThresholdSeconds?: number;
  window?: (QueueOutcomes & { minutes: number }) | null;
  today?: (QueueOutcomes & { since: string }) | null;
}

export interface GroupState {
  readonly kind: 'group';
  readonly orgId: string;
  readonly groupId: string;
  readonly groupName: string | null;
  readonly seq: number;
  readonly summary: Readonly<GroupSummary>;
  /** Ordered by userId (ordinal). Unchanged members keep their object identity across updates. */
  readonly members: readonly GroupMember[];
  readonly queueMetrics: Readonly<QueueMetrics>;
  readonly timestamp: string;
}

export interface Change {
  /** snapshot: the state was replaced; member/group/user: a delta; resumed: a reconnect resumed without loss. */
  readonly type: 'snapshot' | 'member' | 'group' | 'user' | 'resumed';
  /** The server replays missed frames after a resume; they (and the `resumed` change) carry true. */
  readonly resumed: boolean;
  /** A snapshot replaced a state we already held: changes in between were not seen one by one. */
  readonly missed: boolean;
  /** The raw frame, for logging. */
  readonly frame: unknown;
}

export interface SubscriptionError {
  /** The close code (1006 for a lost or dead connection), or null when no socket was involved (token function failed). */
  code: number | null;
  message: string;
  description: string;
}

export interface StatusEvent {
  status: SubscriptionStatus;
  /** Reconnect attempts since the last live connection. */
  attempt: number;
  /** With 'reconnecting': the wait before the next attempt. */
  retryInMs: number | null;
  /** With 'reconnecting' and 'failed': why the last socket ended. */
  error: SubscriptionError | null;
}

export interface Subscription<S> {
  readonly kind: 'user' | 'group';
  readonly orgId: string;
  readonly id: string;
  readonly path: string;
  /** The socket it travels on: /organisation/{orgId} when shared, else the same as path. */
  readonly socketPath: string;
  readonly status: SubscriptionStatus;
  /** Null before the first snapshot. */
  readonly state: S | null;
  on(event: 'status', listener: (event: StatusEvent) => void): () => void;
  off(event: 'status', listener: (event: StatusEvent) => void): void;
  /** Sends unsubscribe and closes the socket; no callbacks afterwards. */
  unsubscribe(): Promise<void>;
}

export interface ClientStatusEvent extends StatusEvent {
  subscription: Subscription<UserState> | Subscription<GroupState>;
}

export interface SessionOptions {
  /** The session's device name, 1-64 characters. Default 'desktop'. */
  device?: string;
  /** The status the session opens with. Default 'available'. */
  status?: PresenceStatus;
  /** How long close() waits for session_closed before it unsubscribes anyway. Default 5000. */
  closeTimeoutMs?: number;
}

/** What session_opened reported: the organisation's session policy the session was opened under. */
export interface SessionPolicy {
  leaseMs: number | null;
  graceMs: number | null;
  idleMs: number | null;
}

export type SessionEvent =
  /** A live socket opened its session. */
  | ({ readonly type: 'opened'; readonly sessionId: string; readonly device: string; readonly status: PresenceStatus } & Readonly<SessionPolicy>)
  /** The gateway refused a session message (4000; the socket stays open). `action` is the session message it answers. */
  | { readonly type: 'error'; readonly code: number; readonly message: string; readonly description: string;
      readonly action: 'session_open' | 'session_update' | 'session_close' | null }
  /**
   * The session ended. logout: close() was confirmed (offline at once if it was the user's last session).
   * disconnected: its socket is gone (stale for the grace period, then offline, unless a new socket's session opens).
   * expired: the gateway no longer knew it (after an update it is opened again on the same socket).
   */
  | { readonly type: 'closed'; readonly sessionId: string; readonly reason: 'logout' | 'disconnected' | 'expired' };

/** An agent's presence session, held on the agent's own user socket and opened again on every new socket. */
export interface PresenceSession {
  /** The user subscription: its status is the connection's. */
  readonly subscription: Subscription<UserState>;
  /** The user's state, or null before the first snapshot. */
  readonly state: UserState | null;
  readonly device: string;
  /** This session's status: the last one set, sent with every session_open. The user's status is state.status. */
  readonly status: PresenceStatus;
  /** The session on the current socket, or null while none is open. */
  readonly sessionId: string | null;
  /** From the last session_opened, or null before one. */
  readonly policy: Readonly<SessionPolicy> | null;
  /** Sends session_update now if the session is open, otherwise the status goes with the next session_open. Throws after close(). */
  setStatus(status: PresenceStatus): void;
  /** Reports user activity; throttled to once per min(idleMs / 4, 30 s), the last report in an interval sent when it ends. */
  activity(): void;
  /** Logout: session_close, wait for session_closed (bounded by closeTimeoutMs), unsubscribe. True when the gateway confirmed it. */
  close(): Promise<boolean>;
  on(event: 'session', listener: (event: SessionEvent) => void): () => void;
  on(event: 'status', listener: (event: StatusEvent) => void): () => void;
  off(event: 'session', listener: (event: SessionEvent) => void): void;
  off(event: 'status', listener: (event: StatusEvent) => void): void;
}

export interface PresenceClient {
  subscribeUser(orgId: string, userId: string, handler: (state: UserState, change: Change) => void): Subscription<UserState>;
  subscribeGroup(orgId: string, groupId: string, handler: (state: GroupState, change: Change) => void): Subscription<GroupState>;
  /**
   * Holds the agent's presence session on their own user socket (the token's sub must be userId, role agent; the
   * organisation must have sessions enabled). The handler, if given, gets the user's state like subscribeUser's.
   */
  holdSession(orgId: string, userId: string, options?: SessionOptions, handler?: (state: UserState, change: Change) => void): PresenceSession;
  on(event: 'status', listener: (event: ClientStatusEvent) => void): () => void;
  off(event: 'status', listener: (event: ClientStatusEvent) => void): void;
  readonly subscriptions: ReadonlyArray<Subscription<UserState> | Subscription<GroupState>>;
  /** Unsubscribes and closes everything. */
  close(): Promise<void>;
}

export function connect(options: ConnectOptions): PresenceClient;

// The pure parts, for tests and custom transports.
export interface Topic {
  readonly kind: 'user' | 'group';
  readonly orgId: string;
  readonly id: string;
  readonly seq: number | null;
  readonly state: UserState | GroupState | null;
  readonly phase: 'subscribing' | 'live' | 'resyncing';
  readonly replaying: number;
}
export function createTopic(kind: 'user' | 'group', orgId: string, id: string): Topic;
export function applyFrame(topic: Topic, frame: unknown, nowMs: number): { topic: Topic; change?: Change; resync?: true };
export function subscribeMessage(topic: Topic, options?: { resume?: boolean }): Record<string, string | number>;
export function backoffDelay(attempt: number, options: Required<BackoffOptions>, previousMs?: number | null, random?: () => number): number;
export function reconnectDelay(backoffMs: number, options?: { code?: number | null; hintMs?: number | null; maxMs?: number }): number;
export function closeAction(code: number | null, options?: { canRefreshToken?: boolean; refreshedSinceLive?: boolean }): 'retry' | 'refresh-token' | 'fail';
export const TERMINAL_CODES: readonly number[];
export interface CloseCode { readonly code: number; readonly message: string; readonly closes: boolean; readonly retry: 'never' | 'new-token' | 'after-hint' }
/** Every code of the gateway's error frames and what it means for a client (docs/protocol.md, "Errors and close codes"). */
export const CLOSE_CODES: readonly CloseCode[];
export const STATUSES: readonly PresenceStatus[];
export const SOURCES: readonly ('manual' | 'call' | 'session' | 'idle' | 'expired' | 'logout')[];
/** 'user:<userId>' or 'group:<groupId>' for a frame that names a topic, else null. */
export function topicKeyOf(frame: unknown): string | null;
/** The statuses a session may have (what setStatus accepts). */
export const SESSION_STATUSES: readonly PresenceStatus[];
/** How often activity is sent for a session policy: min(idleMs / 4, 30000); 30000 without a policy. */
export function activityIntervalMs(policy: Pick<SessionPolicy, 'idleMs'> | null): number;
