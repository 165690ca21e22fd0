// Starts the real, built gateway (co-hosted silo, in-memory state, demo tenant) as a child process on a loopback
// port, mints HS256 tokens for it, and calls its REST API. Used by the integration tests.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const gatewayDll = path.join(repoRoot, 'Gateway/bin/Release/net10.0/FreedomCti.Presence.Gateway.dll');

const ISSUER = 'freedomcti-js-test';
const AUDIENCE = 'freedomcti-presence';
export const DEMO_ORG = 'org-12345';
export const DEMO_GROUP = 'group-sales-team';

/** Polls `condition` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function poll(condition, what, { timeoutMs = 10000, intervalMs = 25 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A free loopback port below Linux's ephemeral range (see Tests/Shared/LoopbackPorts.cs for why). */
export async function freePort() {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free loopback port between 20000 and 32000');
}

export class Gateway {
  signingKey = randomBytes(36).toString('base64');
  clusterId = `js-test-${randomBytes(6).toString('hex')}`;
  output = [];
  process = null;

  constructor(port) {
    this.port = port;
    this.http = `http://127.0.0.1:${port}`;
    this.ws = `ws://127.0.0.1:${port}`;
  }

  static async start() {
    if (!existsSync(gatewayDll)) {
      throw new Error(`The gateway build is missing: ${gatewayDll}. Build it first: dotnet build Gateway -c Release (test.sh does).`);
    }
    const gateway = new Gateway(await freePort());
    await gateway.restart();
    return gateway;
  }

  /** Starts the process (again) on the same HTTP port and waits until the demo tenant is seeded. */
  async restart() {
    if (this.process) throw new Error('the gateway is still running');
    const env = {
      ...process.env,
      Auth__SigningKey: this.signingKey,
      Auth__Issuer: ISSUER,
      Auth__Audience: AUDIENCE,
      // Fresh silo ports each start: a restart must not wait for the old process's sockets to be released.
      Cluster__SiloPort: String(await freePort()),
      Cluster__GatewayPort: String(await freePort()),
      Cluster__ClusterId: this.clusterId,
      Demo__Seed: 'true',
      Gateway__TopicLinger: '00:00:00.300',
      Logging__LogLevel__Default: 'Warning',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    };
    const child = spawn('dotnet', [gatewayDll, '--urls', this.http], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    const keep = (chunk) => {
      this.output.push(...chunk.toString().split('\n'));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited;

    let exit = null;
    exited.then((e) => { exit = e; });
    const admin = this.token({ sub: 'js-test-admin', roles: ['admin', 'system'] });
    await poll(async () => {
      if (exit) throw new Error(`the gateway exited while starting (${JSON.stringify(exit)}):\n${this.tail()}`);
      try {
        const response = await fetch(`${this.http}/organisation/${DEMO_ORG}`, { headers: { Authorization: `Bearer ${admin}` } });
        return response.status === 200;
      } catch {
        return false;
      }
    }, `the gateway on ${this.http} to seed the demo tenant`, { timeoutMs: 60000, intervalMs: 100 });
  }

  /** kill -9, as a crash; waits for the exit (bounded). */
  async kill() {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.race([this.exited, new Promise((_, reject) => setTimeout(() => reject(new Error('the gateway did not exit within 10 s')), 10000))]);
  }

  tail() {
    return this.output.slice(-40).join('\n');
  }

  /** An HS256 JWT with the service's claims (docs/security.md), signed with this gateway's key. */
  token({ sub = 'js-test', org = DEMO_ORG, roles = ['supervisor'], lifetimeSec = 3600, key = this.signingKey } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: ISSUER, aud: AUDIENCE, sub, org, role: roles, iat: now, nbf: now, exp: now + lifetimeSec })}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  }

  /** A REST call as admin + system; throws unless the answer is 2xx. */
  async rest(method, route, body) {
    const token = this.token({ sub: 'js-test-admin', roles: ['admin', 'system'] });
    const response = await fetch(`${this.http}${route}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  setPresence(userId, status, statusMessage) {
    return this.rest('PUT', `/organisation/${DEMO_ORG}/user/${userId}/presence`, { status, ...(statusMessage ? { statusMessage } : {}) });
  }
}
