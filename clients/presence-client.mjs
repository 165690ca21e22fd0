// Watches one topic with the client library (clients/js) and prints every status change and state change as a JSON
// line. Usage (Node 22+; Node 20 needs --experimental-websocket):
//   node --experimental-websocket clients/presence-client.mjs ws://localhost:8080/organisation/org-12345/user-group/group-sales-team <token>
// The socket URL may also carry the token as ?access_token=… (as the gateway prints it), then omit <token>.
import { connect } from './js/src/index.js';

const [address, tokenArgument] = process.argv.slice(2);
const usage = 'usage: presence-client.mjs ws://host:port/organisation/{orgId}/(user/{userId}|user-group/{groupId}) [token]';

let target;
try {
  target = new URL(address);
} catch {
  console.error(usage);
  process.exit(2);
}
const [, organisation, orgId, kind, id, ...rest] = target.pathname.split('/').map(decodeURIComponent);
const token = tokenArgument ?? target.searchParams.get('access_token');
if (organisation !== 'organisation' || !orgId || !id || rest.length > 0 || !['user', 'user-group'].includes(kind) || !token) {
  console.error(usage);
  process.exit(2);
}

const client = connect({ url: `${target.protocol}//${target.host}`, token });
const print = (value) => console.log(JSON.stringify(value));
const onState = (state, change) => print({ change: change.type, missed: change.missed, resumed: change.resumed, state });
const subscription = kind === 'user' ? client.subscribeUser(orgId, id, onState) : client.subscribeGroup(orgId, id, onState);
subscription.on('status', (event) => {
  print({ status: event.status, attempt: event.attempt, retryInMs: event.retryInMs, error: event.error });
  if (event.status === 'failed') process.exit(1);
});
process.once('SIGINT', async () => {
  await client.close();
  process.exit(0);
});
