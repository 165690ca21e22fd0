// The JavaScript examples of the WebSocket contract (shared/spec/websocket-endpoints.md), run as written
// against a live gateway. Usage:
//   node --experimental-websocket clients/spec-examples.mjs <ws-base-url> <token> <orgId> <userId> <groupId> [messages]
// Node 20 needs --experimental-websocket for its browser-compatible WebSocket; Node 22+ has it by default.
// Prints one JSON line per received message ({"socket":"user"|"group", ...message}) and one per close,
// then exits once every socket has received [messages] messages (default 2) or after 20 seconds.

const [base, token, orgId, userId, groupId, wanted = '2'] = process.argv.slice(2);
const want = Number(wanted);
const print = (socket, data) => console.log(JSON.stringify({ socket, ...data }));
let done = 0;
const finish = () => { if (++done === 2) process.exit(0); };
setTimeout(() => { console.error('timed out'); process.exit(2); }, 20000);

// --- "Subscribe to User Presence", connection example ---
{
    const socket = new WebSocket(`${base}/organisation/${orgId}/user/${userId}?access_token=${token}`);
    let received = 0;
    socket.onopen = function (event) {
        socket.send(JSON.stringify({ action: 'subscribe', orgId: orgId, userId: userId }));
    };
    socket.onmessage = function (event) {
        const data = JSON.parse(event.data);
        print('user', data);
        if (++received === want) { socket.close(); finish(); }
    };
    socket.onclose = function (event) { print('user', { closed: event.code, reason: event.reason }); };
    socket.onerror = function (error) { print('user', { error: String(error.message ?? error) }); };
}

// --- "Subscribe to User Group Presence", connection example, with the heartbeat example ---
{
    const socket = new WebSocket(`${base}/organisation/${orgId}/user-group/${groupId}?access_token=${token}`);
    let received = 0;
    socket.onopen = function (event) {
        socket.send(JSON.stringify({ action: 'subscribe', orgId: orgId, groupId: groupId }));
        socket.send(JSON.stringify({ type: 'ping' }));
    };
    socket.onmessage = function (event) {
        const data = JSON.parse(event.data);
        if (data.type === 'group_presence_update' || data.type === 'member_presence_update' || data.type === 'pong') {
            print('group', data);
        }
        if (data.type !== 'pong' && ++received === want) {
            socket.send(JSON.stringify({ action: 'unsubscribe', orgId: orgId, groupId: groupId }));
            socket.close();
            finish();
        }
    };
    socket.onclose = function (event) { print('group', { closed: event.code, reason: event.reason }); };
}
