// A loopback TCP proxy in front of the gateway, so a test can cut a client's connection the way a network does:
// both TCP ends are destroyed, with no WebSocket close frame. The gateway sees its socket end; the client sees 1006.
import { connect, createServer } from 'node:net';

/** Starts a proxy to 127.0.0.1:`targetPort`; `url` is its ws:// base URL. */
export async function startTcpProxy(targetPort) {
  const pairs = new Set();
  const server = createServer((downstream) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair = { downstream, upstream };
    pairs.add(pair);
    for (const socket of [downstream, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => { pairs.delete(pair); downstream.destroy(); upstream.destroy(); });
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${server.address().port}`,
    get connections() { return pairs.size; },
    /** Cuts every connection through the proxy; new ones are still accepted. */
    cut() {
      for (const { downstream, upstream } of pairs) { downstream.destroy(); upstream.destroy(); }
    },
    /** Cuts every connection and refuses new ones. */
    async stop() {
      const closed = new Promise((resolve) => server.close(resolve));
      this.cut();
      await closed;
    },
  };
}
