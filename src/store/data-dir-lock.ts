/**
 * One server per data directory. Two servers appending to the same journal lose acknowledged
 * data: the second one's compaction folds the journal while the first keeps writing to a file
 * that was deleted under it. So every server holding a DATA_DIR (session server, messenger,
 * both in the hub) takes this lock before it reads the directory, holds it for its lifetime,
 * and a second one is refused at once, naming the directory and the holder's pid. A lock left
 * by a killed process is taken over, never a live one's.
 *
 * Two locks, both must be free:
 * - on Linux, an abstract unix socket named after the directory: the kernel frees it when the
 *   process dies, it needs no disk space (a server must start on a full disk and serve reads),
 *   and the holder answers a connection with its pid;
 * - a lock file inside the directory (file-lock.ts: pid and start time), which also works where
 *   there are no abstract sockets and across containers sharing the volume. If the disk cannot
 *   take even that file, the socket alone guards (elsewhere: a warning, and the server starts).
 */
import { mkdir, realpath } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { holdFileLock } from './file-lock.ts';

export class DataDirInUse extends CodedError {
  constructor(
    readonly dir: string,
    readonly holderPid: number | null,
  ) {
    super('data_dir_in_use', `the data directory ${dir} is in use by another server (${holderPid === null ? 'pid unknown' : `pid ${holderPid}`}); stop it, or give this one its own DATA_DIR`);
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** Codes of a disk that cannot take a new file; anything else is a real error. */
const CANNOT_WRITE = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM']);

export async function lockDataDir(dir: string, warn: (line: string) => void = () => {}): Promise<DataDirLock> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const socket = await socketLock(await realpath(dir));
  if (socket && 'holderPid' in socket) throw new DataDirInUse(dir, socket.holderPid);
  let file: Awaited<ReturnType<typeof holdFileLock>> | null = null;
  try {
    file = await holdFileLock(join(dir, 'server'));
  } catch (e) {
    if (!CANNOT_WRITE.has((e as NodeJS.ErrnoException).code ?? '')) {
      socket?.server.close();
      throw e;
    }
    if (!socket) warn(`warning: cannot write the lock file in ${dir} (${(e as NodeJS.ErrnoException).code}); nothing stops a second server on it`);
  }
  if (file && !file.held) {
    socket?.server.close();
    throw new DataDirInUse(dir, file.holderPid);
  }
  return {
    release: async () => {
      if (file?.held) await file.release().catch(() => {});
      await new Promise<void>((r) => (socket ? socket.server.close(() => r()) : r()));
    },
  };
}

/** FNV-1a, 64 bits: a short stable name for any path (abstract names stop at 107 bytes). */
function fnv(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const b of Buffer.from(text)) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** The socket lock (Linux only; null elsewhere): held, or the pid its holder answers with. */
async function socketLock(dir: string): Promise<{ server: Server } | { holderPid: number | null } | null> {
  if (process.platform !== 'linux') return null;
  const name = `\0agent-messaging-data-dir-${fnv(dir)}`;
  const server = createServer((s) => s.end(`${process.pid}\n`));
  server.unref(); // the lock never keeps a process alive
  const listened = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
    server.once('error', resolve);
    server.listen(name, () => resolve(null));
  });
  if (!listened) return { server };
  if (listened.code !== 'EADDRINUSE') return null; // no abstract sockets here: the file lock guards
  return { holderPid: await askPid(name) };
}

function askPid(name: string): Promise<number | null> {
  return new Promise((resolve) => {
    let text = '';
    const c = createConnection(name);
    const done = () => {
      clearTimeout(timer);
      c.destroy();
      const pid = Number(text.trim());
      resolve(Number.isSafeInteger(pid) && pid > 0 ? pid : null);
    };
    const timer = setTimeout(done, 2000);
    c.setEncoding('utf8');
    c.on('data', (d: string) => (text += d.slice(0, 32)));
    c.on('end', done);
    c.on('error', done);
  });
}
