// Runs the real, built presence grid for the integration tests: one silo (in-memory state) and gateway processes
// that are Orleans clients of it, each on its own loopback port. A gateway can be killed and restarted while the
// silo keeps the state, and another gateway can take REST writes meanwhile. Also mints HS256 tokens and calls REST.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const repoRoot = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const built = (project, dll) => path.join(repoRoot, project, 'bin/Release/net10.0', dll);
export const gatewayDll = built('Gateway', 'FreedomCti.Presence.Gateway.dll');
export const siloDll = built('Silo', 'FreedomCti.Presence.Silo.dll');

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

/**
 * A free loopback port below Linux's ephemeral range (see Tests/Shared/LoopbackPorts.cs for why), from the range
 * test.sh gives these tests in TEST_LOOPBACK_PORTS ("first-last") so that projects run side by side never pick the
 * same one; 20000-31999 without it.
 */
export async function freePort() {
  const [first, last] = (process.env.TEST_LOOPBACK_PORTS || '20000-31999').split('-').map(Number);
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = first + Math.floor(Math.random() * (last - first + 1));
    const free = await new Promise((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free loopback port between ${first} and ${last}`);
}

// Children do not die with this process on their own: kill whatever is still running if the test process ends early.
const running = new Set();
process.once('exit', () => { for (const child of running) child.kill('SIGKILL'); });
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(128 + (signal === 'SIGINT' ? 2 : 15)));
}

/** One child process (silo or gateway) with a fixed HTTP port, so a restart comes back at the same address. */
class App {
  output = [];
  process = null;

  constructor(name, dll, port, env, isReady) {
    this.name = name;
    this.dll = dll;
    this.port = port;
    this.env = env;
    this.isReady = isReady;
    this.http = `http://127.0.0.1:${port}`;
  }

  /** Starts the process (again) and waits until it is ready (bounded). */
  async start() {
    if (this.process) throw new Error(`${this.name} is still running`);
    const child = spawn('dotnet', [this.dll, '--urls', this.http], { env: { ...process.env, ...this.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.process = child;
    running.add(child);
    child.once('exit', () => running.delete(child));
    const keep = (chunk) => {
      this.output.push(...chunk.toString().split('\n'));
      if (this.output.length > 200) this.output.splice(0, this.output.length - 200);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let exit = null;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => { exit = { code, signal }; resolve(exit); }));
    await poll(async () => {
      if (exit) throw new Error(`${this.name} exited while starting (${JSON.stringify(exit)}):\n${this.tail()}`);
      try {
        return await this.isReady(this);
      } catch {
        return false;
      }
    }, `${this.name} on ${this.http} to be ready`, { timeoutMs: 60000, intervalMs: 100 });
  }

  /** kill -9, as a crash; waits for the exit (bounded). */
  async kill() {
    const child = this.process;
    if (!child) return;
    this.process = null;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.race([this.exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`${this.name} did not exit within 10 s`)), 10000))]);
  }

  tail() {
    return this.output.slice(-40).join('\n');
  }
}

export class Grid {
  signingKey = randomBytes(36).toString('base64');
  clusterId = `js-test-${randomBytes(6).toString('hex')}`;
  gateways = [];

  /** Starts a silo and a first gateway, which seeds the demo tenant. */
  static async start() {
    for (const dll of [siloDll, gatewayDll]) {
      if (!existsSync(dll)) throw new Error(`The build is missing: ${dll}. Build first: dotnet build FreedomCti.Orleans.sln -c Release (test.sh does).`);
    }
    const grid = new Grid();
    grid.siloGatewayPort = await freePort();
    const cluster = {
      Cluster__ClusterId: grid.clusterId,
      Cluster__GatewayPort: String(grid.siloGatewayPort),
      Logging__LogLevel__Default: 'Warning',
      DOTNET_CLI_TELEMETRY_OPTOUT: '1',
    };
    grid.cluster = cluster;
    grid.silo = new App('silo', siloDll, await freePort(), { ...cluster, Cluster__SiloPort: String(await freePort()) },
      async (app) => (await fetch(`${app.http}/health/ready`)).status === 200);
    try {
      await grid.silo.start();
      await grid.addGateway();
    } catch (error) {
      await grid.stop();
      throw error;
    }
    return grid;
  }

  /** Starts another gateway (an Orleans client of the silo) and waits until it serves the demo tenant. */
  async addGateway() {
    const admin = this.adminToken();
    const app = new App(`gateway ${this.gateways.length + 1}`, gatewayDll, await freePort(), {
      ...this.cluster,
      Management__Urls: `http://127.0.0.1:${await freePort()}`, // health and metrics; the public port serves neither
      Cluster__Mode: 'Client',
      Auth__SigningKey: this.signingKey,
      Auth__Issuer: ISSUER,
      Auth__Audience: AUDIENCE,
      Demo__Seed: 'true',
      Gateway__TopicLinger: '00:00:00.300',
    }, async (a) => (await fetch(`${a.http}/organisation/${DEMO_ORG}`, { headers: { Authorization: `Bearer ${admin}` } })).status === 200);
    app.ws = `ws://127.0.0.1:${app.port}`;
    this.gateways.push(app);
    await app.start();
    return app;
  }

  async stop() {
    await Promise.allSettled([...this.gateways, this.silo].filter(Boolean).map((a) => a.kill()));
  }

  /** An HS256 JWT with the service's claims (docs/security.md), signed with the grid's key. */
  token({ sub = 'js-test', org = DEMO_ORG, roles = ['supervisor'], lifetimeSec = 3600, key = this.signingKey } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ iss: ISSUER, aud: AUDIENCE, sub, org, role: roles, iat: now, nbf: now, exp: now + lifetimeSec })}`;
    return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
  }

  adminToken(org = DEMO_ORG) {
    return this.token({ sub: 'js-test-admin', org, roles: ['admin', 'system'] });
  }

  /** A REST call (as admin + system of the demo organisation unless `token` says otherwise) through `gateway` (default: the first); throws unless the answer is 2xx. */
  async rest(method, route, body, gateway = this.gateways[0], token = this.adminToken()) {
    const response = await fetch(`${gateway.http}${route}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${route} answered ${response.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  }

  setPresence(userId, status, statusMessage, gateway) {
    return this.rest('PUT', `/organisation/${DEMO_ORG}/user/${userId}/presence`, { status, ...(statusMessage ? { statusMessage } : {}) }, gateway);
  }
}
