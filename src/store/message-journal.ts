/**
 * Messages in the session journal (store/nexus-file-store.ts): pure functions from messages to
 * journal lines and from replayed lines back to what a restart loads. nexus spec §2.2 says the
 * reference does not persist messages; the embedded store goes beyond it, so that `kill -9`
 * loses no send that was answered: each message is a line of the journal, written and
 * fdatasync'ed (group commit, journal.ts) before its send is applied and answered.
 */
import { replayLine } from './nexus-journal-lines.ts';
import type { SessionRecord, StoredMessage } from './nexus-store.ts';

/**
 * A message line: session `m`, cursor `n`, author `a`, and the stored poll view `w` as raw
 * JSON (the send path only joins strings; `w` goes last). `e` is the session's expiry after
 * the send: a send slides the TTL, and the line makes that slide durable too, so a session
 * kept alive by its sends never comes back expired (with its messages) after a crash.
 */
export function messageLine(sid: string, m: StoredMessage, expiresAt?: number, arrival?: number): string {
  const e = expiresAt === undefined ? '' : `,"e":${expiresAt}`;
  const a = m.author === undefined ? '' : `,"a":${JSON.stringify(m.author)}`;
  // `q`, in a snapshot only: the arrival order across sessions (a snapshot is written per session).
  const q = arrival === undefined ? '' : `,"q":${arrival}`;
  return `{"m":${JSON.stringify(sid)},"n":${m.cursor}${e}${a}${q},"w":${m.wire}}\n`;
}

/** What the journal and snapshot said, as they are replayed in order. */
export interface Replayed {
  sessions: Map<string, SessionRecord>;
  /** In journal order (a snapshot's by `q`, its arrival number); each cursor at most once. */
  messages: { sid: string; m: StoredMessage; q?: number }[];
  /** The highest cursor replayed per session. */
  last: Map<string, number>;
}

export const emptyReplay = (): Replayed => ({ sessions: new Map(), messages: [], last: new Map() });

/**
 * Replays one record: session lines as replayLine does; a message line is kept when its
 * session is known and its cursor is above every cursor replayed for that session (a snapshot
 * taken while writes go on and the journal after it may both hold a message: no duplicates).
 * A message whose session is gone (deleted, or never written) is dropped.
 */
export function replayRecord(into: Replayed, r: unknown): void {
  const rec = r as { m?: unknown; n?: unknown; e?: unknown; a?: unknown; w?: unknown; d?: unknown; q?: unknown };
  if (typeof rec.m !== 'string') {
    replayLine(into.sessions, r);
    if (typeof rec.d === 'string') into.last.delete(rec.d);
    return;
  }
  const s = into.sessions.get(rec.m);
  const n = rec.n;
  if (!s || typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || !rec.w || typeof rec.w !== 'object') return;
  if (n <= (into.last.get(rec.m) ?? -1)) return;
  into.last.set(rec.m, n);
  // The records in `sessions` are replayLine's own copies: updated in place.
  if (typeof rec.e === 'number' && rec.e > s.expiresAt) s.expiresAt = rec.e;
  // Equal to the stored wire: that was JSON.stringify's output (views.ts stored), which
  // parses and serialises back to itself.
  const wire = JSON.stringify(rec.w);
  const m = typeof rec.a === 'string' ? { cursor: n, wire, author: rec.a } : { cursor: n, wire };
  into.messages.push(typeof rec.q === 'number' ? { sid: rec.m, m, q: rec.q } : { sid: rec.m, m });
}

/**
 * The sessions live at `now` and their messages, in stored order. A head is at least the
 * highest cursor replayed, so a restart never hands out a cursor that was answered (every
 * cursor comes with a message; a session line may be older than the snapshot's messages).
 */
export function liveAfterReplay(r: Replayed, now: number): { sessions: SessionRecord[]; messages: { sid: string; m: StoredMessage }[] } {
  const sessions: SessionRecord[] = [];
  for (const s of r.sessions.values()) {
    if (s.expiresAt <= now) continue;
    const last = r.last.get(s.sessionId);
    sessions.push(last !== undefined && last > s.headCursor ? { ...s, headCursor: last } : s);
  }
  const live = new Set(sessions.map((s) => s.sessionId));
  // The snapshot's lines (they come first and carry `q`) back in arrival order; the journal's after them.
  const snap = r.messages.filter((x) => x.q !== undefined).sort((a, b) => a.q! - b.q!);
  const rest = r.messages.filter((x) => x.q === undefined);
  return { sessions, messages: [...snap, ...rest].filter((x) => live.has(x.sid)).map(({ sid, m }) => ({ sid, m })) };
}
