/**
 * Private files written atomically: a temp file in the same directory, fsync, rename. A reader
 * never sees a half-written file (opennexus spec §10 B2: the reference truncates in place).
 */
import { constants } from 'node:fs';
import { access, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Creates a directory (and parents) readable only by the owner. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates the directory if needed and checks that it may be written (a path under a regular
 * file, a read-only mount, missing permissions fail here), so callers can refuse before they
 * change anything elsewhere. A full disk is found by the caller's first write, which comes
 * before any request (the opennexus outbox is written first). Throws the file system's error.
 */
export async function probeWritable(dir: string): Promise<void> {
  await ensurePrivateDir(dir);
  await access(dir, constants.W_OK);
}

/**
 * `dirExists` skips creating the folder (the caller just did). `sync: false` skips the fsync: still atomic against a crashing process, not against power
 * loss; for data that is cheap to lose and written often.
 */
export async function writeFileAtomic(path: string, text: string, opts: { sync?: boolean; dirExists?: boolean } = {}): Promise<void> {
  if (!opts.dirExists) await ensurePrivateDir(dirname(path));
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text);
    if (opts.sync !== false) await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/** The file's text, or null when it does not exist. */
export async function readTextOrNull(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
