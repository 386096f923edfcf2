import { type Session } from './session.js';
export interface CacheState {
    sessions: Record<string, Session>;
    peerMessengerUrls: Record<string, string>;
    /** `${peerId}|${sessionId}` -> ms of the last reset we sent about that session. */
    resets: Record<string, number>;
}
export declare function emptyCache(): CacheState;
/** An unreadable or invalid file counts as empty; entries with bad keys are skipped (spec §4.7). */
export declare function parseCache(text: string): CacheState;
export declare function serializeCache(c: CacheState): string;
