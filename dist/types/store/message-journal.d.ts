import type { SessionRecord, StoredMessage } from './nexus-store.js';
/**
 * A message line: session `m`, cursor `n`, author `a`, and the stored poll view `w` as raw
 * JSON (the send path only joins strings; `w` goes last). `e` is the session's expiry after
 * the send: a send slides the TTL, and the line makes that slide durable too, so a session
 * kept alive by its sends never comes back expired (with its messages) after a crash.
 */
export declare function messageLine(sid: string, m: StoredMessage, expiresAt?: number, arrival?: number): string;
/** What the journal and snapshot said, as they are replayed in order. */
export interface Replayed {
    sessions: Map<string, SessionRecord>;
    /** In journal order (a snapshot's by `q`, its arrival number); each cursor at most once. */
    messages: {
        sid: string;
        m: StoredMessage;
        q?: number;
    }[];
    /** The highest cursor replayed per session. */
    last: Map<string, number>;
}
export declare const emptyReplay: () => Replayed;
/**
 * Replays one record: session lines as replayLine does; a message line is kept when its
 * session is known and its cursor is above every cursor replayed for that session (a snapshot
 * taken while writes go on and the journal after it may both hold a message: no duplicates).
 * A message whose session is gone (deleted, or never written) is dropped.
 */
export declare function replayRecord(into: Replayed, r: unknown): void;
/**
 * The sessions live at `now` and their messages, in stored order. A head is at least the
 * highest cursor replayed, so a restart never hands out a cursor that was answered (every
 * cursor comes with a message; a session line may be older than the snapshot's messages).
 */
export declare function liveAfterReplay(r: Replayed, now: number): {
    sessions: SessionRecord[];
    messages: {
        sid: string;
        m: StoredMessage;
    }[];
};
