/**
 * Who may act as a member (nexus spec §2.3 X-Session-Key), keeping every client vintage working:
 *
 * - Reference clients of the seed era never send a key: for their agents the agent id alone
 *   still speaks, reads and renews (anyone who knows the id can too; README security section).
 * - Reference clients from V3 on send the key with messages only. Once an agent has sent a
 *   valid key with a message, a send without it is refused (`keyRequired: 'send'`).
 * - Our clients send the key on every request. Once an agent has presented a valid key on a
 *   poll or renew (or re-joined with it), every send, poll and renew needs it
 *   (`keyRequired: 'all'`).
 *
 * A present but wrong key is always refused, except on a send with STRICT_SESSION_KEY off
 * (the message is then marked unverified, nexus spec §1.2(5)) for an agent that never presented one.
 * Pure functions.
 */
import type { SessionRecord } from '../../store/nexus-store.js';
export type KeyUse = 'send' | 'poll' | 'renew';
export interface KeyCheck {
    verified: boolean;
    /** The session with this agent's key requirement raised, or the same object. */
    s: SessionRecord;
}
/**
 * Checks the agent's membership and key for `use`. Throws 403 (not a member: `notMember`;
 * wrong key: invalid_session_key) or 401 missing_session_key.
 */
export declare function checkMemberKey(s: SessionRecord, agentId: string, key: string | undefined, use: KeyUse, opts: {
    strict: boolean;
    notMember: 'forbidden' | 'agent_not_in_session';
}): KeyCheck;
/**
 * nexus spec §2.3 renew, tightened: a renew may keep or extend the TTL; shortening it (which would
 * end the session early for everyone) needs the creator's verified key.
 */
export declare function checkRenewTtl(s: SessionRecord, agentId: string, verified: boolean, ttl: number | undefined): void;
/**
 * Pairing codes made by a member presenting its key are `keyed`. Anonymous creations (every
 * reference client) are never refused: when a session has its cap of pending anonymous codes,
 * the oldest is dropped. They never drop a keyed code, so nobody without a key can lock the
 * owner out of new codes or void the codes it handed out.
 */
export declare function pairCreator(s: SessionRecord, agentId: string | undefined, key: string | undefined): boolean;
