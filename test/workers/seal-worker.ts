// A separate process that seals under the session cache lock, for the lock torture test and
// the soak bench. Built with esbuild at test time; argv: stateDir mode count; env SEAL_FILES.
//   seal         seal `count` times, printing "<session id> <counter>" after each commit
//   die-holding  take the lock and exit inside it (the lock is left to a dead pid)
//   plant-dead   take the lock, rewrite it to name a pid that does not exist, exit inside it
//   plant-empty  take the lock, empty its file, exit inside it
//   seal-nolock  seal `count` times with the same reads and writes but no lock (a baseline)
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { b64 } from '../../src/opennexus/core/bytes.ts';
import { sealData } from '../../src/opennexus/core/session.ts';
import { serializeCache } from '../../src/opennexus/core/cache.ts';
import { SessionStore } from '../../src/opennexus/session-store.ts';
import { writeFileAtomic } from '../../src/store/atomic-file.ts';
import { inlineFiles, poolFiles } from '../../src/store/files.ts';

const [dir, mode, count] = process.argv.slice(2) as [string, string, string];
const self = new Uint8Array(32).fill(1);
const peer = new Uint8Array(32).fill(2);
// SEAL_FILES=inline: the file work of a one-shot CLI command (store/files.ts); else the thread pool.
const store = new SessionStore(dir, self, process.env.SEAL_FILES === 'inline' ? inlineFiles : poolFiles);

function holdingGeneration(): string {
  const locks = `${store.path}.locks`;
  const gens = readdirSync(locks).filter((n) => /^\d+$/.test(n)).map(Number);
  return join(locks, String(Math.max(...gens)));
}

// SEAL_UNREADABLE_MS shortens how long an empty lock blocks (the test; the bench keeps 3 s).
const lockOptions = process.env.SEAL_UNREADABLE_MS ? { unreadableStaleMs: Number(process.env.SEAL_UNREADABLE_MS) } : {};

async function main() {
  if (mode === 'seal-nolock') {
    for (let i = 0; i < Number(count); i++) {
      const c = await store.read();
      const s = c.sessions[b64(peer)]!;
      const sealed = sealData(s, new TextEncoder().encode(`message ${i}`), self, peer);
      await writeFileAtomic(store.path, serializeCache({ ...c, sessions: { ...c.sessions, [b64(peer)]: sealed.next } }));
    }
    return;
  }
  for (let i = 0; i < Number(count); i++) {
    const r = await store.update((c) => {
      if (mode !== 'seal') {
        if (mode === 'plant-dead') writeFileSync(`${store.path}.lock`, '999999 1');
        if (mode === 'plant-empty') writeFileSync(holdingGeneration(), '');
        process.exit(0);
      }
      const s = c.sessions[b64(peer)]!;
      const sealed = sealData(s, new TextEncoder().encode(`message ${process.pid} ${i}`), self, peer);
      return { cache: { ...c, sessions: { ...c.sessions, [b64(peer)]: sealed.next } }, result: `${b64(s.sessionId)} ${sealed.counter}` };
    }, lockOptions);
    process.stdout.write(`${r}\n`);
  }
}
// SEAL_REPORT_CPU=1: the bench reads this process's CPU time (µs) from stderr.
void main().then(() => {
  if (process.env.SEAL_REPORT_CPU) {
    const u = process.cpuUsage();
    process.stderr.write(`${u.user + u.system}\n`);
  }
});
