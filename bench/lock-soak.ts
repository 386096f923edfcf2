/**
 * The session-cache lock under attack for longer than `npm test` can afford: sealing processes
 * killed at random while others wait, dead and empty locks planted. The figure that matters is
 * reused (session, counter) pairs, which must be 0; beside it, what the lock costs per seal
 * against the same reads and writes without a lock, measured in the same run.
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { buildSealWorker, reused, sessionDir, torture } from '../test/helpers/seal-workers.ts';

/** Wall and CPU time of one process sealing `n` times. */
function timeSeals(worker: string, mode: string, n: number): { ms: number; cpuUs: number } {
  const { dir } = sessionDir();
  const t = performance.now();
  const r = spawnSync(process.execPath, [worker, dir, mode, String(n)], { env: { ...process.env, SEAL_REPORT_CPU: '1' }, encoding: 'utf8' });
  return { ms: performance.now() - t, cpuUs: Number(r.stderr.trim()) };
}

export async function benchLockSoak(seconds = 30): Promise<void> {
  const worker = await buildSealWorker();
  const n = 400;
  const locked = timeSeals(worker, 'seal', n);
  const bare = timeSeals(worker, 'seal-nolock', n);
  const { dir } = sessionDir();
  const r = await torture(worker, dir, { ms: seconds * 1000, parallel: 16, killEveryMs: 40, plantEvery: 1, emptyPlants: 3 });
  console.log(
    `lock soak     ${seconds} s, 16 sealing processes: ${r.sealed.length} seals, ${r.killed} kills, ${r.planted} planted dead/empty locks, ` +
      `${r.processes} processes: ${reused(r.sealed).length} reused (session, counter) pairs | one process, ${n} seals: ` +
      `CPU ${(locked.cpuUs / n).toFixed(0)} µs/seal locked vs ${(bare.cpuUs / n).toFixed(0)} µs unlocked (${(locked.cpuUs / bare.cpuUs).toFixed(2)}x), ` +
      `wall ${(locked.ms / n).toFixed(2)} vs ${(bare.ms / n).toFixed(2)} ms`,
  );
}
