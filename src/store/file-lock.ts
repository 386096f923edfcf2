/**
 * A cross-process lock on a file path (node has no flock): the lock is a `<path>.lock` file
 * created with O_EXCL. A lock left by a dead process (its pid no longer exists) or older than
 * `staleMs` is broken. Waiting polls with jitter until `timeoutMs`.
 */
import { open, readFile, rm, stat } from 'node:fs/promises';

export class LockTimeoutError extends Error {
  constructor(path: string) {
    super(`timed out waiting for the lock on ${path}`);
    this.name = 'LockTimeoutError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function breakIfStale(lockPath: string, staleMs: number): Promise<void> {
  try {
    const [text, st] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    const pid = Number(text.split(' ')[0]);
    const dead = Number.isInteger(pid) && pid > 0 && !alive(pid);
    if (dead || Date.now() - st.mtimeMs > staleMs) await rm(lockPath, { force: true });
  } catch {
    // gone already, or being written: try again
  }
}

export async function withFileLock<T>(
  path: string,
  fn: () => Promise<T>,
  opts: { timeoutMs?: number; staleMs?: number } = {},
): Promise<T> {
  const lockPath = `${path}.lock`;
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const staleMs = opts.staleMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let delay = 2;
  for (;;) {
    try {
      const fh = await open(lockPath, 'wx', 0o600);
      await fh.writeFile(`${process.pid} ${Date.now()}`);
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      await breakIfStale(lockPath, staleMs);
      if (Date.now() > deadline) throw new LockTimeoutError(path);
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 50);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
