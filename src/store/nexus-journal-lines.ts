/**
 * What the session journal's lines say (store/nexus-file-store.ts, nexus spec §2.2): pure
 * functions from records to lines and back, and which changes must be durable before they are
 * answered.
 */
import type { SessionRecord } from './nexus-store.ts';

/**
 * A journal line: the whole session (the greeting only when new) and its cursor ceiling `c`,
 * the head itself now that every cursor comes with a message on disk (message-journal.ts);
 * journals written before that reserved blocks of cursors above the head.
 */
export function upsertLine(s: SessionRecord, ceiling: number, withGreeting: boolean): string {
  return `${JSON.stringify({ s: withGreeting ? s : { ...s, greeting: undefined }, c: ceiling })}\n`;
}

/** Whether a change must be on disk before it is answered (everything but slides and cursors). */
export function materialChange(prev: SessionRecord, next: SessionRecord): boolean {
  if (prev.ttl !== next.ttl || prev.maxAgents !== next.maxAgents || prev.creatorAgentId !== next.creatorAgentId) return true;
  if (prev.cronReminderSent !== next.cronReminderSent || prev.greeting !== next.greeting) return true;
  if (prev.agents.length !== next.agents.length) return true;
  for (let i = 0; i < prev.agents.length; i++) {
    const a = prev.agents[i]!;
    const b = next.agents[i]!;
    if (a.agentId !== b.agentId || a.keyHash !== b.keyHash || a.keyRequired !== b.keyRequired || a.joinedAt !== b.joinedAt) return true;
  }
  return false;
}

export function validSession(s: unknown): s is SessionRecord {
  const r = s as SessionRecord;
  return !!r && typeof r.sessionId === 'string' && Array.isArray(r.agents) && Number.isFinite(r.expiresAt) && Number.isFinite(r.headCursor);
}

/**
 * Replays one journal record into `loaded`: `{d: id}` deletes; `{s, c}` is a whole session with
 * its cursor ceiling `c` (a restart continues above it), keeping the greeting of an earlier
 * line when this one leaves it out.
 */
export function replayLine(loaded: Map<string, SessionRecord>, r: unknown): void {
  const rec = r as { s?: unknown; c?: unknown; d?: unknown };
  if (typeof rec.d === 'string') loaded.delete(rec.d);
  else if (validSession(rec.s)) {
    const s = rec.s;
    const greeting = s.greeting !== undefined ? s.greeting : (loaded.get(s.sessionId)?.greeting ?? null);
    const c = typeof rec.c === 'number' ? rec.c : 0;
    loaded.set(s.sessionId, { ...s, greeting, headCursor: Math.max(s.headCursor, c) });
  }
}
