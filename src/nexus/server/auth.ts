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
import type { AgentRecord, SessionRecord } from '../../store/nexus-store.ts';
import { apiError } from './rules.ts';
import { keyMatches } from './session-key.ts';

export type KeyUse = 'send' | 'poll' | 'renew';

export interface KeyCheck {
  verified: boolean;
  /** The session with this agent's key requirement raised, or the same object. */
  s: SessionRecord;
}

function requirementAfter(a: AgentRecord, use: KeyUse): AgentRecord['keyRequired'] {
  return use === 'send' ? (a.keyRequired ?? 'send') : 'all';
}

/**
 * Checks the agent's membership and key for `use`. Throws 403 (not a member: `notMember`;
 * wrong key: invalid_session_key) or 401 missing_session_key.
 */
export function checkMemberKey(
  s: SessionRecord,
  agentId: string,
  key: string | undefined,
  use: KeyUse,
  opts: { strict: boolean; notMember: 'forbidden' | 'agent_not_in_session' },
): KeyCheck {
  let a: AgentRecord | undefined;
  for (const x of s.agents) {
    if (x.agentId === agentId) {
      a = x;
      break;
    }
  }
  if (!a) throw apiError(403, opts.notMember, `agent "${agentId}" has not joined this session`);
  const required = a.keyRequired === 'all' || (a.keyRequired === 'send' && use === 'send');
  if (!key) {
    if (required) {
      throw apiError(401, 'missing_session_key', `agent "${agentId}" has presented its session key before, so X-Session-Key is required from now on`);
    }
    return { verified: false, s };
  }
  if (!keyMatches(key, a.keyHash)) {
    if (required || opts.strict || use !== 'send') throw apiError(403, 'invalid_session_key', 'X-Session-Key does not match this agent');
    return { verified: false, s };
  }
  const keyRequired = requirementAfter(a, use);
  if (keyRequired === a.keyRequired) return { verified: true, s };
  return { verified: true, s: { ...s, agents: s.agents.map((x) => (x === a ? { ...x, keyRequired } : x)) } };
}

/**
 * nexus spec §2.3 renew, tightened: a renew may keep or extend the TTL; shortening it (which would
 * end the session early for everyone) needs the creator's verified key.
 */
export function checkRenewTtl(s: SessionRecord, agentId: string, verified: boolean, ttl: number | undefined): void {
  if (ttl === undefined || ttl >= s.ttl) return;
  if (verified && s.creatorAgentId === agentId) return;
  throw apiError(403, 'ttl_shorten_forbidden', `a renew can only keep or extend the TTL (${s.ttl} s); only the creator, with its session key, can shorten it`);
}

/**
 * Pairing codes made by a member presenting its key are `keyed`. Anonymous creations (every
 * reference client) are never refused: when a session has its cap of pending anonymous codes,
 * the oldest is dropped. They never drop a keyed code, so nobody without a key can lock the
 * owner out of new codes or void the codes it handed out.
 */
export function pairCreator(s: SessionRecord, agentId: string | undefined, key: string | undefined): boolean {
  if (!agentId || !key) return false;
  const a = s.agents.find((x) => x.agentId === agentId);
  if (!a) throw apiError(403, 'forbidden', `agent "${agentId}" has not joined this session`);
  if (!keyMatches(key, a.keyHash)) throw apiError(403, 'invalid_session_key', 'X-Session-Key does not match this agent');
  return true;
}
