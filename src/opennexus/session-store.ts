/**
 * The on-disk session cache, shared by concurrent `send` and `stream` processes of one agent
 * (opennexus spec §4.7, fixing B2): every change takes the file lock, re-reads the file, applies a pure
 * update and replaces the file atomically. Because each update starts from what is on disk,
 * a tx counter can never go backwards and no (key, nonce) pair is handed out twice.
 */
import { join } from 'node:path';
import { hex } from './core/bytes.ts';
import { emptyCache, readCache, serializeCache, type CacheState } from './core/cache.ts';
import { readTextOrNull, writeFileAtomic } from '../store/atomic-file.ts';
import { withFileLock, type LockOptions } from '../store/file-lock.ts';
import { poolFiles, type Files } from '../store/files.ts';

/** What the cache file holds: the cache, whether it was not a cache at all, and how many entries were invalid. */
interface Checked {
  cache: CacheState;
  unreadable: boolean;
  skipped: number;
}

function checked(text: string | null): Checked {
  const read = text === null || text.trim() === '' ? { cache: emptyCache(), skipped: 0 } : readCache(text);
  return read ? { ...read, unreadable: false } : { cache: emptyCache(), unreadable: true, skipped: 0 };
}

export class SessionStore {
  readonly path: string;

  constructor(
    readonly dir: string,
    agentId: Uint8Array,
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    private readonly files: Files = poolFiles,
    /** Told when a cache file (or entries of it) could not be read and a copy was kept aside. */
    private readonly warn: (line: string) => void = () => {},
  ) {
    // opennexus spec §4.7: session_keys_<first 8 bytes of own agent id, hex>.json
    this.path = join(dir, `session_keys_${hex(agentId.subarray(0, 8))}.json`);
  }

  /** A consistent snapshot (files are replaced atomically, so no lock is needed to read). */
  async read(): Promise<CacheState> {
    return (await this.readChecked()).cache;
  }

  /** The snapshot, and whether the file (or some entries of it) could not be read: `peers` and `outbox` say so. */
  async readChecked(): Promise<Checked> {
    return checked(await readTextOrNull(this.path, this.files));
  }

  /**
   * Applies `fn` to the current cache under the lock; writes only if `fn` returns a new cache.
   * `durable: false` skips the fsync, for a change that is safe to lose in a power cut (never
   * one that spends a counter).
   */
  async update<T>(fn: (cache: CacheState) => { cache?: CacheState; result: T }, lock: LockOptions = {}, opts: { durable?: boolean } = {}): Promise<T> {
    // The lock's folder sits in this.dir: taking the lock creates it (0700) when needed.
    return withFileLock(this.path, async () => {
      const text = await readTextOrNull(this.path, this.files);
      const read = checked(text);
      const { cache, result } = fn(read.cache);
      if (read.unreadable || (read.skipped > 0 && cache)) {
        // What could not be read is kept for a person to look at (it may hold queued messages), never overwritten unseen.
        const aside = `${this.path}.unreadable-${Date.now()}`;
        await this.files.write(aside, text!, { mode: 0o600, durable: true });
        this.warn(
          read.unreadable
            ? `Warning: the session cache ${this.path} could not be read; a copy is in ${aside}, and it starts empty`
            : `Warning: ${read.skipped} invalid entr${read.skipped === 1 ? 'y' : 'ies'} of the session cache ${this.path} were dropped; the file as it was is in ${aside}`,
        );
      }
      if (cache || read.unreadable) await writeFileAtomic(this.path, serializeCache(cache ?? read.cache), { dirExists: true, files: this.files, sync: opts.durable !== false });
      return result;
    }, { files: this.files, ...lock });
  }

  /** Serialises handshakes with one peer across processes (see OpenNexusClient.send). */
  handshakeLock<T>(peerId: Uint8Array, fn: () => Promise<T>): Promise<T> {
    return withFileLock(join(this.dir, `handshake_${hex(peerId.subarray(0, 8))}`), fn, { timeoutMs: 40_000, files: this.files });
  }
}
