/**
 * The channel's durable inbox: every message from another agent is written here (and synced)
 * before the follower moves on (the NexusMessaging cursor is saved, the OpenNexus stream reads
 * its next frame), and leaves it only once the host has run the agent's turn for it (or told
 * the owner). A gateway stop or crash at any moment therefore loses nothing: the next start
 * dispatches what is still pending. Message ids already seen are refused, so a message the
 * server sends again (a cursor saved late) is never shown twice.
 *
 * One append-only file, `inbox.ndjson`: `{"add":Entry}` and `{"done":[ids]}` lines, each write
 * fdatasync'ed. It is rewritten (atomically) with only what is pending once mostly done.
 * Bounded in bytes, in total and per conversation: a full inbox refuses (InboxFull), and the
 * follower keeps the message where it was (the server holds a NexusMessaging message; an
 * OpenNexus one is reported).
 */
import { mkdirSync } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { CodedError } from '../errors.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';

export interface InboxEntry {
  /** Unique per message: `nexus:<sid>:<cursor>`, `opennexus:<from>:<session>:<counter>`, ... */
  id: string;
  /** The conversation (targets.ts). */
  conv: string;
  /** message: starts a turn; notice: about this agent's own sends (a refusal, an expiry). */
  kind: 'message' | 'notice';
  /** Who wrote it: an agent id in a session, an OpenNexus agent id. */
  from: string;
  text: string;
  /** When it arrived (ms). */
  at: number;
  /** OpenNexus: the sender's public key (the pairing request shows it). */
  publicKey?: string;
  cursor?: string;
  /** Set once the entry was told to the owner instead of a turn (why); it stays until the owner's session took the notice. */
  told?: string;
}

export class InboxFull extends CodedError {}

export interface InboxLimits {
  maxBytes: number;
  maxBytesPerConversation: number;
  /** How many done ids are remembered to refuse a repeat. */
  rememberDone: number;
}

export const DEFAULT_LIMITS: InboxLimits = { maxBytes: 16 << 20, maxBytesPerConversation: 2 << 20, rememberDone: 4096 };

const size = (e: InboxEntry) => Buffer.byteLength(JSON.stringify(e));

export class Inbox {
  private readonly pendingById = new Map<string, InboxEntry>();
  /** Each entry's bytes as counted when it was kept (a told mark does not change its share). */
  private readonly sizes = new Map<string, number>();
  private readonly done = new Set<string>();
  private bytes = 0;
  private readonly bytesByConv = new Map<string, number>();
  private fh: FileHandle | null = null;
  private lines = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly limits: InboxLimits = DEFAULT_LIMITS,
  ) {}

  private get path(): string {
    return join(this.dir, 'inbox.ndjson');
  }

  /** Reads what is pending from the file (a torn last line, from a crash mid-write, is ignored). */
  async load(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const text = await readFile(this.path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    for (const line of text.split('\n')) {
      if (!line) continue;
      let rec: { add?: InboxEntry; done?: string[]; seen?: string[]; told?: { ids: string[]; why: string } };
      try {
        rec = JSON.parse(line) as typeof rec;
      } catch {
        continue;
      }
      if (rec.add && typeof rec.add.id === 'string' && !this.done.has(rec.add.id)) this.keep(rec.add);
      for (const id of [...(rec.done ?? []), ...(rec.seen ?? [])]) this.finish(id);
      for (const id of rec.told?.ids ?? []) {
        const e = this.pendingById.get(id);
        if (e) e.told = rec.told!.why;
      }
      this.lines++;
    }
  }

  private keep(e: InboxEntry): void {
    if (this.pendingById.has(e.id)) return;
    const n = size(e);
    this.pendingById.set(e.id, e);
    this.sizes.set(e.id, n);
    this.bytes += n;
    this.bytesByConv.set(e.conv, (this.bytesByConv.get(e.conv) ?? 0) + n);
  }

  private finish(id: string): void {
    const e = this.pendingById.get(id);
    if (e) {
      const n = this.sizes.get(id) ?? 0;
      this.pendingById.delete(id);
      this.sizes.delete(id);
      this.bytes -= n;
      this.bytesByConv.set(e.conv, (this.bytesByConv.get(e.conv) ?? 0) - n);
    }
    this.done.delete(id);
    this.done.add(id);
    if (this.done.size > this.limits.rememberDone) this.done.delete(this.done.values().next().value as string);
  }

  /** Writes the entry durably; false when the id is pending or done already. Throws InboxFull. */
  add(e: InboxEntry): Promise<boolean> {
    return this.serial(async () => {
      if (this.pendingById.has(e.id) || this.done.has(e.id)) return false;
      const n = size(e);
      if (this.bytes + n > this.limits.maxBytes) throw new InboxFull('inbox_full', `the inbox is full (${this.limits.maxBytes} bytes pending)`);
      if ((this.bytesByConv.get(e.conv) ?? 0) + n > this.limits.maxBytesPerConversation) throw new InboxFull('inbox_full', `the inbox is full for ${e.conv}`);
      await this.append({ add: e });
      this.keep(e);
      return true;
    });
  }

  /** Marks entries done, durably. */
  markDone(ids: string[]): Promise<void> {
    return this.serial(async () => {
      if (!ids.length) return;
      await this.append({ done: ids });
      for (const id of ids) this.finish(id);
      if (this.lines > 2000 && this.lines > 4 * (this.pendingById.size + 1)) await this.compact();
    });
  }

  /** Marks entries as told to the owner, durably: no turn takes them; they wait for the owner's session. */
  markTold(ids: string[], why: string): Promise<void> {
    return this.serial(async () => {
      if (!ids.length) return;
      await this.append({ told: { ids, why } });
      for (const id of ids) {
        const e = this.pendingById.get(id);
        if (e) e.told = why;
      }
    });
  }

  /** What waits for a turn, in arrival order; for one conversation when given. */
  pending(conv?: string): InboxEntry[] {
    return [...this.pendingById.values()].filter((e) => !e.told && (conv === undefined || e.conv === conv));
  }

  /** What was told to the owner and waits for the owner's session to take it. */
  told(conv?: string): InboxEntry[] {
    return [...this.pendingById.values()].filter((e) => e.told && (conv === undefined || e.conv === conv));
  }

  /** Bytes pending in one conversation. */
  bytesOf(conv: string): number {
    return this.bytesByConv.get(conv) ?? 0;
  }

  has(id: string): boolean {
    return this.pendingById.has(id) || this.done.has(id);
  }

  async close(): Promise<void> {
    await this.serial(async () => {
      await this.fh?.close();
      this.fh = null;
    });
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const p = this.chain.then(f, f);
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async append(rec: object): Promise<void> {
    this.fh ??= await open(this.path, 'a', 0o600);
    await this.fh.write(`${JSON.stringify(rec)}\n`);
    await this.fh.datasync();
    this.lines++;
  }

  /** Rewrites the file with what is pending and the remembered ids (atomically), then appends to it again. */
  private async compact(): Promise<void> {
    const body = [JSON.stringify({ seen: [...this.done] }), ...[...this.pendingById.values()].map((e) => JSON.stringify({ add: e }))].join('\n');
    await this.fh?.close();
    this.fh = null;
    await writeFileAtomic(this.path, `${body}\n`, { dirExists: true });
    this.lines = this.pendingById.size + 1;
  }
}
