/**
 * The session server's messages in memory (nexus spec §2.2: the reference does not persist
 * them; FileNexusStore also keeps them in its journal, message-journal.ts), with byte budgets:
 * per session (count and bytes) and for all sessions together. Each message is kept as its
 * poll view already serialised (`wire`), so a poll only joins strings and the
 * budget counts exactly the bytes a poll sends (UTF-8; V8 holds at most twice that).
 *
 * When a budget is exceeded the OLDEST messages go, as with the count-based retention the
 * reference has: a new message is never refused for lack of room, so a member who stopped
 * polling cannot stall a conversation; a member far behind misses the oldest messages. The
 * greeting (cursor 0) is kept outside these budgets: its size is bounded at create time and
 * charged to the session-storage quota instead.
 */
export interface StoredMessage {
  cursor: number;
  /** The message as a poll returns it, serialised once when it was stored. */
  wire: string;
  /** The agent whose message it is (a greeting's creator); none for the server's own. */
  author?: string;
}

export interface MessageBudget {
  /** Messages kept per session, the greeting not counted. */
  maxPerSession: number;
  /** Bytes kept per session (the newest message is always kept). */
  maxBytesPerSession: number;
  /** Bytes kept for all sessions together. */
  maxBytesTotal: number;
}

/** A message in its session's list and in the global arrival order (a doubly linked list). */
interface Node {
  sid: string;
  m: StoredMessage;
  bytes: number;
  /** Arrival order across sessions (a snapshot written session by session keeps it). */
  seq: number;
  older: Node | null;
  newer: Node | null;
}

interface List {
  greeting: { m: StoredMessage; bytes: number } | null;
  /** Oldest first; entries before `start` were dropped (compacted now and then). */
  items: (Node | undefined)[];
  start: number;
  bytes: number;
}

export class MessageLog {
  private readonly lists = new Map<string, List>();
  private oldest: Node | null = null;
  private newest: Node | null = null;
  /** Bytes of all kept messages, greetings excluded. */
  bytes = 0;
  /** Messages ever appended (the stats endpoint's totalMessages). */
  appended = 0;
  private seq = 0;
  /** Bytes of messages ever dropped (budget, expiry): what a journal snapshot would shed. */
  droppedBytes = 0;

  constructor(private readonly budget: MessageBudget) {}

  append(sid: string, messages: StoredMessage[]): void {
    let l = this.lists.get(sid);
    if (!l) this.lists.set(sid, (l = { greeting: null, items: [], start: 0, bytes: 0 }));
    for (const m of messages) {
      this.appended++;
      const bytes = Buffer.byteLength(m.wire);
      if (m.cursor === 0 && !l.greeting && l.items.length === 0) {
        l.greeting = { m, bytes };
        continue;
      }
      const node: Node = { sid, m, bytes, seq: this.seq++, older: this.newest, newer: null };
      if (this.newest) this.newest.newer = node;
      else this.oldest = node;
      this.newest = node;
      l.items.push(node);
      l.bytes += bytes;
      this.bytes += bytes;
      while (this.kept(l) > this.budget.maxPerSession || (l.bytes > this.budget.maxBytesPerSession && this.kept(l) > 1)) this.dropOldest(l);
    }
    // Over the global budget: the globally oldest go first (never the message just stored).
    while (this.bytes > this.budget.maxBytesTotal && this.oldest && this.oldest !== this.newest) {
      this.dropOldest(this.lists.get(this.oldest.sid)!);
    }
  }

  private kept(l: List): number {
    return l.items.length - l.start;
  }

  /** Drops a session's oldest message; it is also the oldest of that session in global order. */
  private dropOldest(l: List): void {
    const n = l.items[l.start];
    if (!n) return;
    l.items[l.start++] = undefined;
    this.unlink(n);
    l.bytes -= n.bytes;
    if (l.start > 32 && l.start * 2 > l.items.length) {
      l.items = l.items.slice(l.start);
      l.start = 0;
    }
  }

  private unlink(n: Node): void {
    if (n.older) n.older.newer = n.newer;
    else this.oldest = n.newer;
    if (n.newer) n.newer.older = n.older;
    else this.newest = n.older;
    n.older = n.newer = null;
    this.bytes -= n.bytes;
    this.droppedBytes += n.bytes;
  }

  /**
   * Messages with cursor > after, ascending: at most `limit`, and no more than `maxBytes`
   * together unless the first alone is larger (a poll always makes progress). `more` says
   * whether messages were left out.
   */
  after(sid: string, after: number, limit: number, maxBytes: number): { messages: StoredMessage[]; more: boolean } {
    const l = this.lists.get(sid);
    if (!l) return { messages: [], more: false };
    const out: StoredMessage[] = [];
    let bytes = 0;
    if (after < 0 && l.greeting) {
      out.push(l.greeting.m);
      bytes = l.greeting.bytes;
    }
    // Cursors ascend: binary search for the first cursor > after.
    let lo = l.start;
    let hi = l.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l.items[mid]!.m.cursor > after) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < l.items.length; i++) {
      const n = l.items[i]!;
      if (out.length >= limit || (out.length > 0 && bytes + n.bytes > maxBytes)) return { messages: out, more: true };
      out.push(n.m);
      bytes += n.bytes;
    }
    return { messages: out, more: false };
  }

  /**
   * Every kept message as a journal snapshot writes it: session by session (greeting first,
   * then in cursor order), each with its arrival number, so a reload can replay them through
   * append() in arrival order and keep the same ones (the global budget drops the globally
   * oldest). One session per step: the caller yields between steps, and no step walks the
   * global list (a million messages took ~100 ms in one go).
   */
  *entries(): Generator<{ sid: string; m: StoredMessage; seq: number }[]> {
    for (const [sid, l] of this.lists) {
      // The array as it is now: an eviction meanwhile blanks its slot (skipped); a newer message
      // is also in the journal written after the snapshot began.
      const { items, start } = l;
      const end = items.length;
      const out: { sid: string; m: StoredMessage; seq: number }[] = l.greeting ? [{ sid, m: l.greeting.m, seq: -1 }] : [];
      for (let i = start; i < end; i++) {
        const n = items[i];
        if (n) out.push({ sid, m: n.m, seq: n.seq });
      }
      yield out;
    }
  }

  /** Forgets a session's messages (it expired). */
  drop(sid: string): void {
    const l = this.lists.get(sid);
    if (!l) return;
    for (let i = l.start; i < l.items.length; i++) this.unlink(l.items[i]!);
    this.lists.delete(sid);
  }
}
