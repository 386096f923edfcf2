/**
 * Private files written atomically: a temp file in the same directory, fsync, rename, fsync of
 * the directory (without it a power cut can undo the rename: a session counter would go back
 * and an AES-GCM nonce be used twice). A reader never sees a half-written file (opennexus spec
 * §10 B2: the reference truncates in place).
 * Every function takes the Files that carry it out (files.ts); the thread pool by default.
 */
import { dirname } from 'node:path';
import { poolFiles, type Files } from './files.ts';

/** Creates a directory (and parents) readable only by the owner. */
export async function ensurePrivateDir(dir: string, files: Files = poolFiles): Promise<void> {
  await files.makeDirs(dir, 0o700);
}

/**
 * Creates the directory if needed and checks that it may be written (a path under a regular
 * file, a read-only mount, missing permissions fail here), so callers can refuse before they
 * change anything elsewhere. A full disk is found by the caller's first write, which comes
 * before any request (the opennexus outbox is written first). Throws the file system's error.
 */
export async function probeWritable(dir: string, files: Files = poolFiles): Promise<void> {
  await ensurePrivateDir(dir, files);
  await files.checkWritable(dir);
}

export interface AtomicWriteOptions {
  /** false skips the fsync: still atomic against a crashing process, not against power loss; for data that is cheap to lose and written often. */
  sync?: boolean;
  /** Skips creating the folder (the caller just did). */
  dirExists?: boolean;
  files?: Files;
}

export async function writeFileAtomic(path: string, text: string, opts: AtomicWriteOptions = {}): Promise<void> {
  const files = opts.files ?? poolFiles;
  if (!opts.dirExists) await ensurePrivateDir(dirname(path), files);
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await files.write(tmp, text, { mode: 0o600, durable: opts.sync !== false });
    await files.rename(tmp, path);
  } catch (e) {
    await files.remove(tmp).catch(() => {});
    throw e;
  }
  if (opts.sync !== false) await files.syncDir(dirname(path));
}

/** The file's text, or null when it does not exist. */
export async function readTextOrNull(path: string, files: Files = poolFiles): Promise<string | null> {
  try {
    return await files.readText(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
