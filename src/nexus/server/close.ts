/**
 * Closing a session (our decision, docs/spec "Our decisions": the creator ends a session): the
 * creator, with its session key, ends the session for everyone. The record is not deleted at
 * once but marked: it expires now, keeps no agents and says `closedAt`, so every reader woken
 * by the change (a parked poll, an event stream, on this instance or through the wake bus on
 * another) can answer "closed" rather than "expired". To every route it is gone (404, as an
 * expired session); the next access or the sweep deletes it with its messages and codes.
 * Pure transition here; the route in routes-close.ts.
 */
import type { SessionRecord } from '../../store/nexus-store.ts';
import { apiError } from './rules.ts';
import { keyMatches } from './session-key.ts';
import type { Transition } from './sessions.ts';

export const CLOSED_MESSAGE = 'the session was closed by its creator';

export function closeSession(s: SessionRecord, agentId: string, key: string | undefined, now: number) {
  const a = s.agents.find((x) => x.agentId === agentId);
  if (!a) throw apiError(403, 'forbidden', `agent "${agentId}" is not in this session`);
  if (!key) throw apiError(401, 'missing_session_key', 'X-Session-Key header is required to close a session');
  if (!keyMatches(key, a.keyHash)) throw apiError(401, 'invalid_session_key', 'X-Session-Key does not match this agent');
  if (s.creatorAgentId !== agentId) throw apiError(403, 'forbidden', 'only the creator can close the session (others can leave it)');
  const next: SessionRecord = { ...s, agents: [], expiresAt: now, closedAt: now };
  return { next, result: { ok: true, status: 'closed', sessionId: s.sessionId, closedBy: agentId } } satisfies Transition<unknown>;
}
