// Runs seal-worker processes against one session cache: the lock torture test and its soak.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { b64 } from '../../src/opennexus/core/bytes.ts';
import { emptyCache, serializeCache } from '../../src/opennexus/core/cache.ts';
import { deriveSession } from '../../src/opennexus/core/session.ts';
import { SessionStore } from '../../src/opennexus/session-store.ts';

export async function buildSealWorker(): Promise<string> {
  const out = join(mkdtempSync(join(tmpdir(), 'seal-worker-')), 'seal-worker.mjs');
  // Relative to the project root (vitest and `npm run bench` run there; the bench is bundled).
  await build({ entryPoints: [resolve('test/workers/seal-worker.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  return out;
}

/** A state dir whose cache holds one session from agent 0x01.. to agent 0x02.. */
export function sessionDir(): { dir: string; sessionId: string } {
  const dir = mkdtempSync(join(tmpdir(), 'seal-torture-'));
  const self = new Uint8Array(32).fill(1);
  const peer = new Uint8Array(32).fill(2);
  const s = deriveSession({ selfId: self, peerId: peer, ownEphPrivate: new Uint8Array(32).fill(3), peerEphPublic: new Uint8Array(32).fill(9), peerPublicKey: new Uint8Array(32).fill(4) });
  writeFileSync(new SessionStore(dir, self).path, serializeCache({ ...emptyCache(), sessions: { [b64(peer)]: s } }));
  return { dir, sessionId: b64(s.sessionId) };
}

export interface TortureResult {
  sealed: string[];
  killed: number;
  planted: number;
  processes: number;
}

/**
 * Keeps `parallel` sealing workers running for `ms`; every `killEveryMs` one of them gets
 * SIGKILL (often while it holds the lock) and every `plantEvery`-th round a worker dies holding
 * the lock on purpose, leaving a dead-pid lock behind (or, `emptyPlants` times, an empty one).
 * Many waiters then find the same dead lock at once: the race that reused nonces.
 */
export async function torture(worker: string, dir: string, o: { ms: number; parallel: number; killEveryMs: number; plantEvery: number; emptyPlants: number; unreadableStaleMs?: number }): Promise<TortureResult> {
  const sealed: string[] = [];
  const live = new Set<ChildProcess>();
  const exits: Promise<void>[] = [];
  let killed = 0;
  let planted = 0;
  let processes = 0;
  let round = 0;
  const startWorker = (mode: string, count: number) => {
    // Every other worker does its file work inline (store/files.ts, as the CLI's one-shot
    // commands do), the rest on the thread pool (as `stream` and the plugin do): the two meet
    // at the same lock.
    const env = { ...process.env, SEAL_FILES: processes % 2 ? 'inline' : 'pool', ...(o.unreadableStaleMs ? { SEAL_UNREADABLE_MS: String(o.unreadableStaleMs) } : {}) };
    const p = spawn(process.execPath, [worker, dir, mode, String(count)], { stdio: ['ignore', 'pipe', 'inherit'], env });
    processes++;
    live.add(p);
    let buf = '';
    p.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      sealed.push(...lines);
    });
    exits.push(new Promise((r) => p.on('close', () => (live.delete(p), r()))));
  };
  const end = Date.now() + o.ms;
  for (let i = 0; i < o.parallel; i++) startWorker('seal', 1_000_000);
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, o.killEveryMs * (0.5 + Math.random())));
    const victims = [...live];
    const v = victims[Math.floor(Math.random() * victims.length)];
    if (v?.kill('SIGKILL')) killed++;
    round++;
    if (o.plantEvery > 0 && round % o.plantEvery === 0) {
      planted++;
      // An empty lock stalls everyone for UNREADABLE_STALE_MS, so only a few of those.
      const empty = planted % 20 === 10 && planted / 20 < o.emptyPlants;
      startWorker(empty ? 'plant-empty' : planted % 2 ? 'plant-dead' : 'die-holding', 1);
    }
    while (live.size < o.parallel) startWorker('seal', 1_000_000);
  }
  for (const p of live) p.kill('SIGKILL');
  await Promise.all(exits);
  return { sealed, killed, planted, processes };
}

/** (session, counter) pairs that were handed out more than once. */
export function reused(sealed: string[]): string[] {
  const seen = new Set<string>();
  const dup: string[] = [];
  for (const s of sealed) {
    if (seen.has(s)) dup.push(s);
    seen.add(s);
  }
  return dup;
}
