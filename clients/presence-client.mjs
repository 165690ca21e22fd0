// A reference presence client: subscribes, detects seq gaps, refreshes its token, and reconnects with
// jittered exponential backoff according to the close code (docs/protocol.md). Works in browsers and in
// Node 22+ (Node 20: --experimental-websocket). Usage from Node:
//   node --experimental-websocket clients/presence-client.mjs ws://localhost:8080/organisation/org-12345/user-group/group-sales-team <token>

const TERMINAL = new Set([4001, 4002, 4005, 4003, 4006, 1003, 1008, 1009]);

export function watch({ url, token, onState, getFreshToken, log = console.log }) {
    const target = parseTarget(url);
    let attempt = 0;
    let lastSeq = null;
    let socket;
    let stopped = false;

    function connect() {
        socket = new WebSocket(`${url}${url.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(token)}`);
        socket.onopen = () => socket.send(JSON.stringify({ action: 'subscribe', ...target }));
        socket.onmessage = async (event) => {
            const msg = JSON.parse(event.data);
            if (msg.type === 'error') { log(`error ${msg.code} ${msg.message}: ${msg.description}`); return; }
            if (typeof msg.seq === 'number') {
                // A snapshot restarts the sequence; anything else must follow the last seq exactly.
                if (!msg.snapshot && lastSeq !== null && msg.seq !== lastSeq + 1) {
                    log(`gap: expected ${lastSeq + 1}, got ${msg.seq}; resubscribing for a fresh snapshot`);
                    socket.send(JSON.stringify({ action: 'subscribe', ...target }));
                    return;
                }
                lastSeq = msg.seq;
                attempt = 0;
            }
            onState?.(msg);
        };
        socket.onclose = (event) => {
            lastSeq = null;
            if (stopped || TERMINAL.has(event.code)) { log(`closed ${event.code} ${event.reason}; not reconnecting`); return; }
            // 1012 (gateway restart) and 4008 (limits) ask for a longer, spread-out wait.
            const floor = event.code === 4008 ? 30000 : event.code === 1012 ? 1000 : 0;
            const delay = floor + Math.random() * Math.min(30000, 1000 * 2 ** attempt++);
            log(`closed ${event.code} ${event.reason}; reconnecting in ${Math.round(delay)} ms`);
            setTimeout(connect, delay);
        };
    }

    // Refresh a minute before the token expires, if the app can get a new one.
    if (getFreshToken) {
        setInterval(async () => {
            const exp = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000;
            if (exp - Date.now() < 60000 && socket?.readyState === WebSocket.OPEN) {
                token = await getFreshToken();
                socket.send(JSON.stringify({ action: 'refresh_token', token }));
            }
        }, 15000);
    }

    connect();
    return { close() { stopped = true; socket?.close(); } };
}

function parseTarget(url) {
    const parts = new URL(url).pathname.split('/').filter(Boolean);
    return parts[2] === 'user' ? { orgId: parts[1], userId: parts[3] } : { orgId: parts[1], groupId: parts[3] };
}

if (typeof process !== 'undefined' && import.meta.url === `file://${process.argv[1]}`) {
    const [url, token] = process.argv.slice(2);
    watch({ url, token, onState: (msg) => console.log(JSON.stringify(msg)) });
}
