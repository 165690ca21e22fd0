// A tiny WebSocket server on node:http (RFC 6455 handshake and unfragmented frames only) whose behaviour each test
// scripts: it can leave pings unanswered, close with a hint, or answer a resume. The real gateway can't be told to
// misbehave like that. Text frames out, masked text/close frames in.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export class TinyConnection extends EventEmitter {
  messages = [];
  closed = false;
  #socket;
  #buffer = Buffer.alloc(0);

  constructor(socket, url) {
    super();
    this.url = new URL(url, 'ws://127.0.0.1');
    this.#socket = socket;
    socket.on('data', (chunk) => this.#read(chunk));
    socket.on('close', () => { this.closed = true; this.emit('gone'); });
    socket.on('error', () => {});
  }

  send(message) {
    if (!this.closed) this.#socket.write(frame(0x1, Buffer.from(JSON.stringify(message))));
  }

  /** An error frame, then a close frame with the same code, as the gateway does. */
  fail(code, message, extra = {}) {
    this.send({ type: 'error', code, message, description: `test close ${code}`, ...extra });
    this.close(code, message);
  }

  close(code, reason = '') {
    if (this.closed) return;
    const payload = Buffer.concat([Buffer.from([code >> 8, code & 0xff]), Buffer.from(reason)]);
    this.#socket.end(frame(0x8, payload));
  }

  destroy() {
    this.#socket.destroy();
  }

  #read(chunk) {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#buffer.length < 2) return;
      const opcode = this.#buffer[0] & 0x0f;
      let length = this.#buffer[1] & 0x7f;
      let offset = 2;
      if (length === 126) { length = this.#buffer.readUInt16BE(2); offset = 4; }
      if (length === 127) throw new Error('frames this large are not expected in these tests');
      if (this.#buffer.length < offset + 4 + length) return;
      const mask = this.#buffer.subarray(offset, offset + 4);
      const payload = Buffer.from(this.#buffer.subarray(offset + 4, offset + 4 + length)).map((b, i) => b ^ mask[i % 4]);
      this.#buffer = this.#buffer.subarray(offset + 4 + length);
      if (opcode === 0x1) {
        const message = JSON.parse(payload.toString());
        this.messages.push(message);
        this.emit('message', message);
      } else if (opcode === 0x8) {
        this.#socket.end(frame(0x8, payload.subarray(0, 2)));
      }
    }
  }
}

function frame(opcode, payload) {
  const header = payload.length < 126
    ? Buffer.from([0x80 | opcode, payload.length])
    : Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

/** Starts the server; `onConnection(connection)` scripts each accepted socket. */
export async function startTinyServer(onConnection) {
  const connections = [];
  const server = createServer((request, response) => response.writeHead(404).end());
  server.on('upgrade', (request, socket) => {
    const accept = createHash('sha1').update(request.headers['sec-websocket-key'] + GUID).digest('base64');
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n'));
    const connection = new TinyConnection(socket, request.url);
    connection.openedAt = Date.now();
    connections.push(connection);
    onConnection(connection, connections.length);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    async stop() {
      for (const c of connections) c.destroy(); // upgraded sockets are not the HTTP server's to close
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
