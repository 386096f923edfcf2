/**
 * The file operations of the state stores (session cache, its lock, key files), written once
 * against this interface and carried out one of two ways:
 *
 * - `poolFiles` (node:fs/promises, on libuv's thread pool): for long-lived processes (the
 *   plugin inside the gateway, opennexus `stream`, nexus `watch`), whose event loop must keep
 *   serving other work while a disk is slow.
 * - `inlineFiles` (the same calls done synchronously): for one-shot CLI commands such as `send`,
 *   whose event loop has nothing else to serve while they wait. One round trip through the pool
 *   per operation was most of a send's file time: the ~17 operations of a send over a live session
 *   took ~6.3 ms through the pool and ~2.5 ms inline, measured on this project's machine.
 *
 * Both return promises and report failures as rejections with the usual `code` (ENOENT, EEXIST,
 * ...), so the stores cannot tell them apart.
 */
import { accessSync, closeSync, constants, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { access, link, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';

export interface WriteOptions {
  mode: number;
  /** Fail with EEXIST if the file exists (O_EXCL). */
  exclusive?: boolean;
  /** fsync before resolving: the text is on disk, not only in the page cache. */
  durable?: boolean;
}

export interface Files {
  readText(path: string): Promise<string>;
  write(path: string, text: string, opts: WriteOptions): Promise<void>;
  /** mkdir -p with `mode` for the folders it creates. */
  makeDirs(path: string, mode: number): Promise<void>;
  /** Rejects unless the process may create files in the folder. */
  checkWritable(dir: string): Promise<void>;
  list(dir: string): Promise<string[]>;
  /** A hard link; EEXIST if `path` exists (what the lock is built on). */
  link(existing: string, path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** fsync of a folder: a rename in it is on disk, not only in the journal. */
  syncDir(path: string): Promise<void>;
  /** Deletes a file; nothing if it is not there. */
  remove(path: string): Promise<void>;
  /** Deletes a folder and everything in it; nothing if it is not there. */
  removeTree(path: string): Promise<void>;
  exists(path: string): Promise<boolean>;
  mtimeMs(path: string): Promise<number>;
}

// remove() is unlink, not rm: rm's first call loads Node's rimraf (~0.2 ms), and it only ever
// deletes files.
function ignoreMissing(e: unknown): void {
  if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
}

export const poolFiles: Files = {
  readText: (path) => readFile(path, 'utf8'),
  async write(path, text, o) {
    const fh = await open(path, o.exclusive ? 'wx' : 'w', o.mode);
    try {
      await fh.writeFile(text);
      if (o.durable) await fh.sync();
    } finally {
      await fh.close();
    }
  },
  makeDirs: async (path, mode) => void (await mkdir(path, { recursive: true, mode })),
  checkWritable: (dir) => access(dir, constants.W_OK),
  list: (dir) => readdir(dir),
  link: (existing, path) => link(existing, path),
  rename: (from, to) => rename(from, to),
  async syncDir(path) {
    const fh = await open(path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  },
  remove: (path) => unlink(path).catch(ignoreMissing),
  removeTree: (path) => rm(path, { recursive: true, force: true }),
  exists: (path) => stat(path).then(
    () => true,
    () => false,
  ),
  mtimeMs: async (path) => (await stat(path)).mtimeMs,
};

export const inlineFiles: Files = {
  readText: async (path) => readFileSync(path, 'utf8'),
  async write(path, text, o) {
    const fd = openSync(path, o.exclusive ? 'wx' : 'w', o.mode);
    try {
      writeFileSync(fd, text);
      if (o.durable) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  makeDirs: async (path, mode) => void mkdirSync(path, { recursive: true, mode }),
  checkWritable: async (dir) => accessSync(dir, constants.W_OK),
  list: async (dir) => readdirSync(dir),
  link: async (existing, path) => linkSync(existing, path),
  rename: async (from, to) => renameSync(from, to),
  async syncDir(path) {
    const fd = openSync(path, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  async remove(path) {
    try {
      unlinkSync(path);
    } catch (e) {
      ignoreMissing(e);
    }
  },
  removeTree: async (path) => rmSync(path, { recursive: true, force: true }),
  exists: async (path) => existsSync(path),
  mtimeMs: async (path) => statSync(path).mtimeMs,
};
