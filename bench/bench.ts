/**
 * Benchmarks (`npm run bench`). Every figure is printed with a baseline measured in the same
 * run on the same machine, so the ratio means something on any machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { b64 } from '../src/opennexus/core/bytes.ts';
import { randomBytes, x25519PublicKey } from '../src/opennexus/core/crypto.ts';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { deriveSession, openData, sealData } from '../src/opennexus/core/session.ts';
import { openSse } from '../src/opennexus/transport.ts';
import { benchLockSoak } from './lock-soak.ts';
import { benchOpenNexusSend } from './opennexus-send.ts';
import { benchNexusCpu, start } from './nexus-cpu.ts';
import { benchNexusPush } from './nexus-push.ts';
import { benchNexusRedis } from './nexus-redis.ts';
import { benchMessengerRedis } from './messenger-redis.ts';
import { benchMessengerLimits } from './messenger-limits.ts';
import { benchPluginWake } from './plugin-wake.ts';
import { benchHostLatency } from './host-latency.ts';

const script = `${process.cwd()}/scripts/opennexus.mjs`;

function startupMs(args: string[], n = 10): number {
  const t = performance.now();
  for (let i = 0; i < n; i++) execFileSync('node', args, { stdio: 'ignore' });
  return (performance.now() - t) / n;
}

const nexusScript = `${process.cwd()}/scripts/nexus.mjs`;

function benchStartup(): void {
  const floor = startupMs(['-e', '0']);
  const help = startupMs([script, '--help']);
  const nexusHelp = startupMs([nexusScript, '--help']);
  console.log(`start-up      node -e 0: ${floor.toFixed(1)} ms | opennexus --help: ${help.toFixed(1)} ms (${(help / floor).toFixed(2)}x) | nexus --help: ${nexusHelp.toFixed(1)} ms (${(nexusHelp / floor).toFixed(2)}x)`);
}

/** One `nexus.mjs poll` process against a local server, against the floor of one node:http GET. */
async function benchNexusPoll(): Promise<void> {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const server = await child([nexusScript, 'serve', '--port', '0'], { DATA_DIR: 'none', RATE_LIMIT_MAX: '100000' });
  const env = { ...process.env, NEXUS_URL: server.url, NEXUS_STATE_DIR: mkdtempSync(join(tmpdir(), 'nexus-bench-')) };
  const created = JSON.parse(execFileSync('node', [nexusScript, 'create', '--creator-agent-id', 'bench', '--greeting', 'hi'], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString());
  const get = `require('node:http').get(${JSON.stringify(server.url + '/health')}, (r) => r.resume())`;
  const floor = startupMs(['-e', get]);
  const t = performance.now();
  const n = 10;
  for (let i = 0; i < n; i++) execFileSync('node', [nexusScript, 'poll', created.sessionId], { env, stdio: 'ignore' });
  const poll = (performance.now() - t) / n;
  // server-side poll rate with keep-alive, 16 concurrent clients
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const total = 20_000;
  let next = 0;
  const t2 = performance.now();
  await Promise.all(Array.from({ length: 16 }, async () => {
    while (next++ < total) {
      await new Promise<void>((resolve, reject) => {
        request(`${server.url}/v1/sessions/${created.sessionId}/messages?after=0`, { agent, headers: { 'x-agent-id': 'bench', 'x-session-key': created.sessionKey } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        }).on('error', reject).end();
      });
    }
  }));
  const rate = total / ((performance.now() - t2) / 1000);
  agent.destroy();
  server.kill();
  console.log(`nexus         poll (CLI process): ${poll.toFixed(1)} ms vs one node:http GET process ${floor.toFixed(1)} ms (${(poll / floor).toFixed(2)}x) | server: ${Math.round(rate)} polls/s`);
}

function benchCrypto(): void {
  const A = identityFromSeed(randomBytes(32));
  const B = identityFromSeed(randomBytes(32));
  const ea = randomBytes(32);
  const eb = randomBytes(32);
  let sa = deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: ea, peerEphPublic: x25519PublicKey(eb), peerPublicKey: B.publicKey });
  let sb = deriveSession({ selfId: B.agentId, peerId: A.agentId, ownEphPrivate: eb, peerEphPublic: x25519PublicKey(ea), peerPublicKey: A.publicKey });
  const msg = new Uint8Array(1024);
  const N = 5000;
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const s = sealData(sa, msg, A.agentId, B.agentId);
    sa = s.next;
    const o = openData(sb, { session_id: b64(sa.sessionId), counter: s.counter, ciphertext: b64(s.ciphertext) }, A.agentId, B.agentId);
    sb = o.next;
  }
  const perS = N / ((performance.now() - t) / 1000);
  const H = 200;
  t = performance.now();
  for (let i = 0; i < H; i++) {
    deriveSession({ selfId: A.agentId, peerId: B.agentId, ownEphPrivate: randomBytes(32), peerEphPublic: x25519PublicKey(eb), peerPublicKey: B.publicKey });
  }
  const hs = H / ((performance.now() - t) / 1000);
  console.log(`crypto        seal+open 1 KiB: ${Math.round(perS)} msgs/s | session derivation (X25519+HKDF): ${Math.round(hs)}/s`);
}

/** A minimal POST -> SSE relay on raw node:http, run in its own process: the baseline. */
const MINIMAL_RELAY = `
const http = require('node:http');
const subs = new Map();
const server = http.createServer((req, res) => {
  const agent = String(req.headers['x-agent-id'] || '');
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"type":"connected"}\\n\\n\\n');
    if (!subs.has(agent)) subs.set(agent, new Set());
    subs.get(agent).add(res);
    req.on('close', () => subs.get(agent).delete(res));
    return;
  }
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const m = JSON.parse(body);
    for (const s of subs.get(m.receiver_id) || []) s.write('data: ' + body + '\\n\\n\\n');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"status":"ok"}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: 'http://127.0.0.1:' + server.address().port })));
process.on('SIGTERM', () => process.exit(0));
`;

async function child(args: string[], extraEnv: Record<string, string> = {}): Promise<{ url: string; kill: () => void }> {
  const c = spawn('node', args, { env: { ...process.env, RATE_LIMIT: '0', ...extraEnv }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve) => c.stdout.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()).url)));
  return { url, kill: () => c.kill('SIGTERM') };
}

async function relayRate(url: string, receivers = 20, total = 20_000, concurrency = 32): Promise<number> {
  const streams = await Promise.all(Array.from({ length: receivers }, (_, i) => openSse(`${url}/v1/messages/stream`, { 'X-Agent-ID': `R${i}` })));
  let delivered = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  for (const s of streams) {
    void (async () => {
      for await (const e of s.events) if (e.kind === 'data' && !e.data.includes('connected') && ++delivered === total) resolveDone();
    })();
  }
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const body = `{"protocol_version":"0.1.0","type":"data","sender_id":"S","receiver_id":"R${i % receivers}","session_id":"c2Vzc2lvbg==","counter":${i},"ciphertext":"Y2lwaGVydGV4dA=="}`;
      const req = request(`${url}/v1/messages`, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-agent-id': 'S', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end(body);
    });
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await post(next++);
  }));
  await done;
  const rate = total / ((performance.now() - t) / 1000);
  for (const s of streams) s.close();
  agent.destroy();
  return rate;
}

const RELAY_TOTAL = 20_000;

interface RelayRun {
  rate: number;
  /** Server CPU (user + system) per delivered message, µs. */
  cpu: number;
  user: number;
  sys: number;
  /** write(v)/read system calls per delivered message (/proc/<pid>/io). */
  writes: number;
  reads: number;
}

/** utime and stime of a process in µs (/proc/<pid>/stat fields 14 and 15, clock ticks of 10 ms). */
function cpuSplit(pid: number): [number, number] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]) * 10_000, Number(f[12]) * 10_000];
}

function syscalls(pid: number): [number, number] {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? NaN);
  return [field('syscw'), field('syscr')];
}

/** Rate and server CPU (user + system, /proc) per delivered message of one relay process. */
async function relayRun(args: string[], env: Record<string, string> = {}): Promise<RelayRun> {
  // BENCH_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it exits.
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const c = await start([...prof, ...args], { RATE_LIMIT: '0', ...env });
  const pid = c.proc.pid!;
  const [u0, s0] = cpuSplit(pid);
  const [w0, r0] = syscalls(pid);
  const rate = await relayRate(c.url, 20, RELAY_TOTAL);
  const [u1, s1] = cpuSplit(pid);
  const [w1, r1] = syscalls(pid);
  c.proc.kill('SIGTERM');
  const per = (x: number) => x / RELAY_TOTAL;
  return { rate, cpu: per(u1 - u0 + s1 - s0), user: per(u1 - u0), sys: per(s1 - s0), writes: per(w1 - w0), reads: per(r1 - r0) };
}

/** The run with the median CPU per message. */
function medianRun(runs: RelayRun[]): RelayRun {
  return [...runs].sort((a, b) => a.cpu - b.cpu)[runs.length >> 1]!;
}

/**
 * The messenger beside a minimal relay, in memory (DATA_DIR=none) and durable (DATA_DIR: every
 * kept frame journaled and fdatasync'ed before its POST is answered; a frame delivered live is
 * still kept for the drain grace, so it is written too). RELAY_ROUNDS rounds (default 3), each
 * running the three servers one after another, so a busy machine weighs on all of them alike;
 * each figure is the median round's. Efficiency = the minimal relay's CPU per message ÷ ours.
 * BENCH_IO=1 also prints user/system CPU and system calls per message.
 */
async function benchRelay(): Promise<void> {
  const rounds = Math.max(1, Number(process.env.RELAY_ROUNDS) || 3);
  const runs: Record<'base' | 'memory' | 'disk', RelayRun[]> = { base: [], memory: [], disk: [] };
  for (let i = 0; i < rounds; i++) {
    runs.base.push(await relayRun(['-e', MINIMAL_RELAY]));
    runs.memory.push(await relayRun([script, 'serve', '--port', '0'], { DATA_DIR: 'none' }));
    runs.disk.push(await relayRun([script, 'serve', '--port', '0'], { DATA_DIR: mkdtempSync(join(tmpdir(), 'bench-messenger-')) }));
  }
  const base = medianRun(runs.base);
  const memory = medianRun(runs.memory);
  const disk = medianRun(runs.disk);
  const f = (x: number) => x.toFixed(2);
  const us = (x: number) => `${x.toFixed(1)} µs`;
  if (process.env.BENCH_IO) {
    for (const [name, r] of Object.entries({ minimal: base, memory, disk })) {
      console.log(`  ${name.padEnd(8)} user ${us(r.user)} sys ${us(r.sys)} | writes ${r.writes.toFixed(2)} reads ${r.reads.toFixed(2)} per message | all rounds: ${runs[name === 'minimal' ? 'base' : (name as 'memory' | 'disk')].map((x) => x.cpu.toFixed(1)).join(', ')} µs`);
    }
  }
  console.log(`messenger     POST->SSE, 20 receivers: ${Math.round(memory.rate)} msgs/s in memory, ${Math.round(disk.rate)} msgs/s on DATA_DIR | minimal node:http relay: ${Math.round(base.rate)} msgs/s`);
  console.log(`messenger     server CPU per delivered message (median of ${rounds}): minimal relay ${us(base.cpu)} | memory ${us(memory.cpu)}: efficiency ${f(base.cpu / memory.cpu)} | DATA_DIR ${us(disk.cpu)}: efficiency ${f(base.cpu / disk.cpu)}`);
}

/** Every bench by name; `BENCH_ONLY=relay,nexus-cpu npm run bench` runs some of them. */
const BENCHES: Record<string, () => unknown> = {
  startup: benchStartup,
  crypto: benchCrypto,
  relay: benchRelay,
  'nexus-poll': benchNexusPoll,
  'nexus-cpu': () => benchNexusCpu(nexusScript),
  'nexus-push': benchNexusPush,
  'nexus-redis': () => benchNexusRedis(nexusScript),
  'messenger-redis': benchMessengerRedis,
  'messenger-limits': benchMessengerLimits,
  'plugin-wake': benchPluginWake,
  'host-latency': benchHostLatency,
  'opennexus-send': benchOpenNexusSend,
  'lock-soak': () => benchLockSoak(Number(process.env.LOCK_SOAK_SECONDS) || 30),
};
const only = process.env.BENCH_ONLY?.split(',').map((n) => n.trim()).filter(Boolean);
for (const n of only ?? []) if (!BENCHES[n]) throw new Error(`BENCH_ONLY: no bench named ${n} (${Object.keys(BENCHES).join(', ')})`);
for (const [name, run] of Object.entries(BENCHES)) if (!only || only.includes(name)) await run();
