/**
 * Session-server CPU per delivered message (nexus spec §2.3 send + poll), beside a minimal
 * poll-by-cursor server (plain node:http, an in-memory array, no validation) measured in the
 * same run: 20 sessions, each with one sender and one back-to-back poller, ~0.7 KiB texts.
 * Each server runs in its own child process; its CPU (user + system, all threads) is read from
 * /proc/<pid>/stat before and after the load, so the load generator's CPU is not counted. Both
 * servers take their load at the same time, so a busy machine slows both alike (back-to-back
 * pollers make more empty polls on a less loaded server); polls per message are printed too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median } from './stats.ts';

export const PAIRS = 20;
export const PER_SENDER = 400;
const TEXT = 'Could we move the review to Thursday afternoon? I will bring the draft, the numbers from last quarter and the list of open questions. '.repeat(6).slice(0, 700);

/** Cursor-keyed arrays per session; nothing else (the baseline). */
const MINIMAL_POLL_SERVER = `
const http = require('node:http');
const rooms = new Map();
http.createServer((req, res) => {
  const u = new URL(req.url, 'http://x');
  const sid = u.pathname.split('/')[2];
  let room = rooms.get(sid);
  if (!room) rooms.set(sid, (room = []));
  if (req.method === 'POST') {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const m = JSON.parse(body);
      room.push({ cursor: String(room.length + 1), agentId: req.headers['x-agent-id'], text: m.text });
      const out = JSON.stringify({ ok: true, cursor: String(room.length) });
      res.writeHead(201, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
      res.end(out);
    });
    return;
  }
  const after = Number(u.searchParams.get('after') || 0);
  const page = room.slice(after, after + 100);
  const out = JSON.stringify({ messages: page, nextCursor: String(after + page.length) });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
  res.end(out);
}).listen(0, '127.0.0.1', function () { console.log(JSON.stringify({ url: 'http://127.0.0.1:' + this.address().port })); });
`;

interface Child {
  url: string;
  proc: ChildProcess;
}

export async function start(args: string[], env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    proc.once('exit', (c) => reject(new Error(`server exited with ${c}`)));
    proc.stdout!.once('data', (b: Buffer) => resolve(JSON.parse(b.toString()).url));
  });
  return { url, proc };
}

/** utime + stime of a process in microseconds (Linux /proc; fields 14 and 15, in clock ticks). */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000; // CLK_TCK is 100 on Linux
}

function call(agent: Agent, url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString() || '{}') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Pair {
  send: string;
  poll: (after: string) => string;
  sender: Record<string, string>;
  poller: Record<string, string>;
}

export interface Prepared {
  server: Child;
  pairs: Pair[];
  /** Cursor to poll after first (ours: the cron reminder at cursor 1 is not counted). */
  start: string;
}

export interface Measured {
  cpuPerMessage: number;
  pollsPerMessage: number;
}

/** Runs the load on one server: CPU microseconds per delivered message, and polls per message. */
export async function load(p: Prepared): Promise<Measured> {
  const agent = new Agent({ keepAlive: true, maxSockets: 2 * PAIRS });
  const before = cpuMicros(p.server.proc.pid!);
  let delivered = 0;
  let polls = 0;
  try {
    await Promise.all(
      p.pairs.flatMap((pair) => [
        (async () => {
          for (let i = 0; i < PER_SENDER; i++) {
            const r = await call(agent, pair.send, 'POST', pair.sender, JSON.stringify({ text: TEXT }));
            if (r.status !== 201) throw new Error(`send: HTTP ${r.status}`);
          }
        })(),
        (async () => {
          let after = p.start;
          let got = 0;
          while (got < PER_SENDER) {
            const r = await call(agent, pair.poll(after), 'GET', pair.poller);
            if (r.status !== 200) throw new Error(`poll: HTTP ${r.status}`);
            polls++;
            got += ((r.json.messages as unknown[]) ?? []).length;
            after = String(r.json.nextCursor);
          }
          delivered += got;
        })(),
      ]),
    );
  } finally {
    agent.destroy();
  }
  return { cpuPerMessage: (cpuMicros(p.server.proc.pid!) - before) / delivered, pollsPerMessage: polls / delivered };
}

async function minimal(): Promise<Prepared> {
  const s = await start(['-e', MINIMAL_POLL_SERVER], {});
  const pairs = Array.from({ length: PAIRS }, (_, i) => ({
    send: `${s.url}/s/room${i}`,
    poll: (after: string) => `${s.url}/s/room${i}?after=${after}`,
    sender: { 'x-agent-id': `s${i}` },
    poller: { 'x-agent-id': `p${i}` },
  }));
  return { server: s, pairs, start: '0' };
}

async function ours(nexusScript: string, dataDir: string): Promise<Prepared> {
  return oursWith(nexusScript, { DATA_DIR: dataDir });
}

/**
 * Our server with `env` (its backend), and PAIRS sessions of a sender and a poller on it;
 * `nodeArgs` go to node before the script (a profile: `--cpu-prof`).
 */
export async function oursWith(nexusScript: string, env: Record<string, string>, nodeArgs: string[] = []): Promise<Prepared> {
  const s = await start([...nodeArgs, nexusScript, 'serve', '--port', '0'], { RATE_LIMIT_MAX: '100000000', ...env });
  const agent = new Agent({ keepAlive: true });
  const pairs: Pair[] = [];
  try {
    for (let i = 0; i < PAIRS; i++) {
      const c = await call(agent, `${s.url}/v1/sessions`, 'PUT', {}, JSON.stringify({ creatorAgentId: `s${i}`, ttl: 3600 }));
      const sid = String(c.json.sessionId);
      const j = await call(agent, `${s.url}/v1/sessions/${sid}/join`, 'POST', { 'x-agent-id': `p${i}` }, '{}');
      const base = `${s.url}/v1/sessions/${sid}/messages`;
      // Each agent presents its key, as the current CLI does (nexus spec §2.3 X-Session-Key).
      pairs.push({
        send: base,
        poll: (after: string) => `${base}?after=${after}`,
        sender: { 'x-agent-id': `s${i}`, 'x-session-key': String(c.json.sessionKey) },
        poller: { 'x-agent-id': `p${i}`, 'x-session-key': String(j.json.sessionKey) },
      });
    }
  } finally {
    agent.destroy();
  }
  return { server: s, pairs, start: '1' };
}

/**
 * Each round runs ours and the baseline AT THE SAME TIME under the same load, so both see the
 * same machine (it may be shared); the median round is reported.
 */
export async function benchNexusCpu(nexusScript: string, rounds = 3): Promise<void> {
  const lines: string[] = [];
  for (const [label, dataDir] of [['DATA_DIR=none', () => 'none'], ['DATA_DIR', () => mkdtempSync(join(tmpdir(), 'nexus-bench-data-'))]] as const) {
    const results: { ratio: number; ours: Measured; base: Measured }[] = [];
    for (let r = 0; r < rounds; r++) {
      const [b, o] = await Promise.all([minimal(), ours(nexusScript, dataDir())]);
      try {
        const [base, mine] = await Promise.all([load(b), load(o)]);
        results.push({ ratio: mine.cpuPerMessage / base.cpuPerMessage, ours: mine, base });
      } finally {
        b.server.proc.kill('SIGTERM');
        o.server.proc.kill('SIGTERM');
      }
    }
    const m = results.find((x) => x.ratio === median(results.map((y) => y.ratio)))!;
    const us = (x: Measured) => `${x.cpuPerMessage.toFixed(1)} µs (${x.pollsPerMessage.toFixed(2)} polls/msg)`;
    // Efficiency (issue 20): the minimal server's CPU per message over ours, 1 at best.
    lines.push(`${label}: ${us(m.ours)} vs minimal poll-by-cursor server ${us(m.base)}: ${m.ratio.toFixed(2)}x (efficiency ${(1 / m.ratio).toFixed(2)})`);
  }
  console.log(`nexus         server CPU per delivered message, ${PAIRS} senders + ${PAIRS} back-to-back pollers, 0.7 KiB, median of ${rounds} | ${lines.join(' | ')}`);
}
