/**
 * What the session journal's lines say (store/nexus-file-store.ts, nexus spec §2.2): pure
 * functions from records to lines and back, and which changes must be durable before they are
 * answered.
 */
import type { SessionRecord } from './nexus-store.js';
/**
 * A journal line: the whole session (the greeting only when new) and its cursor ceiling `c`,
 * the head itself now that every cursor comes with a message on disk (message-journal.ts);
 * journals written before that reserved blocks of cursors above the head.
 */
export declare function upsertLine(s: SessionRecord, ceiling: number, withGreeting: boolean): string;
/** Whether a change must be on disk before it is answered (everything but slides and cursors). */
export declare function materialChange(prev: SessionRecord, next: SessionRecord): boolean;
export declare function validSession(s: unknown): s is SessionRecord;
/**
 * Replays one journal record into `loaded`: `{d: id}` deletes; `{s, c}` is a whole session with
 * its cursor ceiling `c` (a restart continues above it), keeping the greeting of an earlier
 * line when this one leaves it out.
 */
export declare function replayLine(loaded: Map<string, SessionRecord>, r: unknown): void;
