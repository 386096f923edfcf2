/**
 * A cross-process lock on a path (node has no flock), exclusive by construction: it guards the
 * tx counters of the session cache, so two holders at once would reuse an AES-GCM nonce.
 *
 * The lock is a folder `<path>.locks/` of numbered generations. Holding generation g means
 * having created the file `g`, which is done with link() from a complete temp file: link fails
 * if the name exists, so exactly one process can create a generation, and a generation file is
 * never seen half-written. The holder frees it by creating `g.free`. A waiter takes g+1 (the
 * same way) only when g is free, or its owner is dead (no such pid, or the pid now belongs to a
 * process with another start time), or g is unreadable and older than a few seconds (planted
 * or left by something else; ours are never empty). A holder is never displaced while it
 * lives: nothing ever removes or renames a generation someone might hold.
 *
 * Old generations are deleted to keep the folder small; a process with a stale listing could
 * then re-create a deleted number, so after creating g every taker lists the folder again and
 * holds the lock only if g is the highest generation there.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { poolFiles, type Files } from './files.ts';

export class LockTimeoutError extends CodedError {
  constructor(path: string) {
    super('lock_timeout', `timed out waiting for the lock on ${path}`);
  }
}

/** A generation file that cannot be parsed is stale after this long. */
export const UNREADABLE_STALE_MS = 3_000;

/** The start time of a process (Linux /proc/<pid>/stat field 22), so a reused pid is not taken for the owner. */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

const ownToken = (() => {
  let t: string | undefined;
  return () => (t ??= `pid=${process.pid} start=${startTime(process.pid) ?? '-'}\n`);
})();

/** Is `pid` a live process, and (when its start time was recorded) the same one? */
function processAlive(pid: number, start: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (start === null) return true;
  const now = startTime(pid);
  return now === null || now === start;
}

/** Whether the owner named in a generation file lives; null when the file cannot be read as one. */
function ownerAlive(text: string): boolean | null {
  const m = /^pid=(\d+) start=(\S+)\n$/.exec(text);
  if (!m) return null;
  return processAlive(Number(m[1]), m[2] === '-' ? null : m[2]!);
}

interface Listing {
  highest: number;
  free: Set<number>;
  names: string[];
}

async function list(files: Files, dir: string): Promise<Listing> {
  const names = await files.list(dir);
  let highest = -1;
  const free = new Set<number>();
  for (const n of names) {
    const m = /^(\d+)(\.free)?$/.exec(n);
    if (!m) continue;
    const g = Number(m[1]);
    if (m[2]) free.add(g);
    else if (g > highest) highest = g;
  }
  return { highest, free, names };
}

/** May generation g be taken over (it is free, or its owner is gone)? */
async function takeable(files: Files, dir: string, l: Listing, unreadableStaleMs: number): Promise<boolean> {
  if (l.highest < 0 || l.free.has(l.highest)) return true;
  const file = join(dir, String(l.highest));
  try {
    const alive = ownerAlive(await files.readText(file));
    if (alive !== null) return !alive;
    return Date.now() - (await files.mtimeMs(file)) > unreadableStaleMs;
  } catch {
    return true; // deleted meanwhile: list again and retry
  }
}

/** Creates generation g with our token; true if we made it (false: someone else did). */
async function create(files: Files, dir: string, g: number): Promise<boolean> {
  const tmp = join(dir, `tmp.${process.pid}.${Math.random().toString(36).slice(2)}`);
  await files.write(tmp, ownToken(), { mode: 0o600 });
  try {
    await files.link(tmp, join(dir, String(g)));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await files.remove(tmp);
  }
}

/** Deletes generations below g-1 and temp files of dead processes; best effort. */
async function prune(files: Files, dir: string, g: number, names: string[]): Promise<void> {
  await Promise.all(
    names.map(async (n) => {
      const gen = /^(\d+)(?:\.free)?$/.exec(n);
      const tmp = /^tmp\.(\d+)\./.exec(n);
      if ((gen && Number(gen[1]) < g - 1) || (tmp && !processAlive(Number(tmp[1]), null))) {
        await files.remove(join(dir, n));
      }
    }),
  );
}

/** Takes the lock or returns null (held by a live owner, or lost a race). */
async function tryAcquire(files: Files, dir: string, unreadableStaleMs: number): Promise<number | null> {
  const l = await list(files, dir);
  if (!(await takeable(files, dir, l, unreadableStaleMs))) return null;
  const g = l.highest + 1;
  if (!(await create(files, dir, g))) return null;
  const after = await list(files, dir);
  if (after.highest !== g) {
    // We re-created a deleted old number from a stale listing: not the lock.
    await files.remove(join(dir, String(g)));
    return null;
  }
  // Generations g-1 and g (each with its .free) are kept; prune only when more have piled up.
  if (after.names.length > 6) await prune(files, dir, g, after.names);
  return g;
}

/**
 * Frees generation g. If even an empty file cannot be made (no inodes left), removing g frees it
 * too: the highest is then g-1, which is free or dead, and the next taker re-creates g.
 */
async function release(files: Files, dir: string, g: number): Promise<void> {
  try {
    await files.write(join(dir, `${g}.free`), '', { mode: 0o600, exclusive: true });
  } catch {
    await files.remove(join(dir, String(g))).catch(() => {});
  }
}

export interface LockOptions {
  /** How long to wait for a live holder before LockTimeoutError. */
  timeoutMs?: number;
  unreadableStaleMs?: number;
  /** Stops waiting (with LockTimeoutError) when aborted. */
  signal?: AbortSignal;
  /** Who does the file operations (files.ts); the thread pool by default. */
  files?: Files;
}

export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const dir = `${path}.locks`;
  const files = opts.files ?? poolFiles;
  await files.makeDirs(dir, 0o700);
  const deadline = Date.now() + (opts.timeoutMs ?? 15_000);
  let delay = 1;
  let g: number | null;
  while ((g = await tryAcquire(files, dir, opts.unreadableStaleMs ?? UNREADABLE_STALE_MS)) === null) {
    if (Date.now() > deadline || opts.signal?.aborted) throw new LockTimeoutError(path);
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 25);
  }
  try {
    return await fn();
  } finally {
    await release(files, dir, g);
  }
}

/** The pid named by the highest generation, when it is a live process (the lock's holder). */
async function livePid(files: Files, dir: string): Promise<number | null> {
  const l = await list(files, dir);
  if (l.highest < 0 || l.free.has(l.highest)) return null;
  const text = await files.readText(join(dir, String(l.highest))).catch(() => '');
  const m = /^pid=(\d+) /.exec(text);
  return m && ownerAlive(text) ? Number(m[1]) : null;
}

export type HeldLock = { held: true; release(): Promise<void> } | { held: false; holderPid: number | null };

/**
 * Takes the lock for as long as the caller lives (until release()), without waiting for a live
 * holder: `held: false` names it instead. A holder that died (kill -9) is taken over. Used for
 * a server's data directory, which two servers must never write at once (data-dir-lock.ts).
 */
export async function holdFileLock(path: string, opts: Omit<LockOptions, 'timeoutMs' | 'signal'> = {}): Promise<HeldLock> {
  const dir = `${path}.locks`;
  const files = opts.files ?? poolFiles;
  await files.makeDirs(dir, 0o700);
  // A few tries: null also means a lost race with another taker, or a dead holder's leftovers.
  for (let attempt = 0; attempt < 20; attempt++) {
    const g = await tryAcquire(files, dir, opts.unreadableStaleMs ?? UNREADABLE_STALE_MS);
    if (g !== null) {
      let released = false;
      return {
        held: true,
        release: async () => {
          if (released) return;
          released = true;
          await release(files, dir, g);
        },
      };
    }
    const pid = await livePid(files, dir);
    if (pid !== null) return { held: false, holderPid: pid };
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
  return { held: false, holderPid: await livePid(files, dir) };
}
