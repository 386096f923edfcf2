// A separate process for the sweep test (nexus spec §2.6): fills a session store with
// `sessions` sessions (half of them expired) and `codes` pairing codes (all past their
// tombstone), runs the server's sweep while a 1 ms timer measures the longest event-loop
// block, and prints one JSON line. Built with esbuild at test time; run with --expose-gc.
// argv: sessions codes
import { createSessionServer } from '../../src/nexus/server/app.ts';
import { nexusConfig } from '../../src/nexus/server/config.ts';
import { PAIR_TOMBSTONE_MS } from '../../src/nexus/server/sweep.ts';
import { MemoryNexusStore } from '../../src/store/memory-nexus-store.ts';
import type { SessionRecord } from '../../src/store/nexus-store.ts';

const [sessions, codes] = process.argv.slice(2).map(Number) as [number, number];
const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const sid = (i: number) => i.toString(16).padStart(48, '0');

function session(i: number): SessionRecord {
  const agents = [{ agentId: 'a', joinedAt: T0, lastSeenAt: T0, keyHash: 'f'.repeat(64) }];
  // Even sessions expire after 10 minutes, odd ones live for 10 hours.
  const expiresAt = T0 + (i % 2 ? 36_000_000 : 600_000);
  return { sessionId: sid(i), ttl: 3600, maxAgents: 2, createdAt: T0, expiresAt, creatorAgentId: 'a', greeting: null, agents, headCursor: 0, cronReminderSent: false };
}

async function main() {
  const store = new MemoryNexusStore();
  for (let i = 0; i < sessions; i++) await store.updateSession(sid(i), () => ({ next: session(i), result: null }));
  for (let j = 0; j < codes; j++) {
    const code = `WORD-WORD-${j.toString(32).toUpperCase().padStart(5, '0')}`;
    await store.updatePair(code, () => ({ next: { code, sessionId: sid((j * 5) % sessions), createdAt: T0, expiresAt: T0 + 600_000 }, result: null }));
  }
  const app = createSessionServer({ config: nexusConfig({}, { dataDir: null }), store, now: () => T0 + 600_000 + PAIR_TOMBSTONE_MS });
  // A long-running server built this state over hours, so it sits in the old generation; a
  // full collection now keeps the burst of filling it above out of the measurement.
  (globalThis as { gc?: () => void }).gc?.();
  // A block is a gap between ticks during which this process was computing: the CPU time it
  // used in the gap caps it, so time the machine gave to other processes (a shared machine)
  // is not counted. Both figures are reported.
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  let maxBlockMs = 0;
  let maxGapMs = 0;
  const probe = setInterval(() => {
    const t = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    maxGapMs = Math.max(maxGapMs, t - last);
    maxBlockMs = Math.max(maxBlockMs, Math.min(t - last, (cpu.user + cpu.system) / 1000));
    last = t;
    lastCpu = process.cpuUsage();
  }, 1);
  const started = performance.now();
  await app.sweep();
  const sweepMs = performance.now() - started;
  await new Promise((r) => setTimeout(r, 2)); // one more tick measures the last slice
  clearInterval(probe);
  const counts = await store.counts();
  const left = { expired: await store.getSession(sid(0)), live: await store.getSession(sid(1)), code: await store.getPair('WORD-WORD-00001') };
  console.log(JSON.stringify({ maxBlockMs, maxGapMs, sweepMs, counts, expiredGone: left.expired === null, liveKept: left.live !== null, codesGone: left.code === null }));
}

void main();
