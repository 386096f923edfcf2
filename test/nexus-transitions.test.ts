// The session transitions as pure functions (nexus spec §2.3-§2.6, sessions.ts): each one's
// normal case and every error code it can throw, and that none changes its input or depends on
// anything but its arguments (a shared store may run one twice).
import { describe, expect, it } from 'vitest';
import { HttpError } from '../src/http/errors.ts';
import { hashSessionKey, keyMatches } from '../src/nexus/server/session-key.ts';
import {
  alive,
  claimSession,
  createSession,
  CRON_REMINDER,
  joinSession,
  leaveSession,
  pollSession,
  postMessage,
  renewSession,
  type FreshAgent,
  type PostInput,
} from '../src/nexus/server/sessions.ts';
import type { AgentRecord, SessionRecord } from '../src/store/nexus-store.ts';
import { sendBody } from '../src/nexus/server/views.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const KEY_A = 'a'.repeat(64);
const KEY_B = 'b'.repeat(64);
const WRONG = 'f'.repeat(64);

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** [status, error code] of what `f` throws; fails when it throws something else or nothing. */
function thrown(f: () => unknown): [number, string] {
  try {
    f();
  } catch (e) {
    if (e instanceof HttpError) return [e.status, (e.body as { error: string }).error];
    throw e;
  }
  throw new Error('did not throw');
}

const agent = (agentId: string, key: string, extra: Partial<AgentRecord> = {}): AgentRecord => ({ agentId, joinedAt: T0, lastSeenAt: T0, keyHash: hashSessionKey(key), ...extra });

/** A frozen session of `agents` (creator: the first), created at T0 with a one-hour TTL. */
function session(agents: AgentRecord[], extra: Partial<SessionRecord> = {}): SessionRecord {
  return deepFreeze({
    sessionId: 'f00d'.repeat(12),
    ttl: 3600,
    maxAgents: 2,
    createdAt: T0,
    expiresAt: T0 + 3_600_000,
    creatorAgentId: agents[0]?.agentId ?? null,
    greeting: null,
    agents,
    headCursor: agents.length >= 2 ? 1 : 0,
    cronReminderSent: agents.length >= 2,
    ...extra,
  });
}

const fx = (dt = 0, sessionKey = KEY_B): FreshAgent => ({ now: T0 + dt, messageId: 'msg_0123456789abcdef', sessionKey });

describe('alive', () => {
  it('passes a live session and answers 404 session_not_found for none or an expired one', () => {
    const s = session([agent('a', KEY_A)]);
    expect(alive(s, T0)).toBe(s);
    expect(thrown(() => alive(null, T0))).toEqual([404, 'session_not_found']);
    expect(thrown(() => alive(s, s.expiresAt))).toEqual([404, 'session_not_found']);
  });
});

describe('createSession', () => {
  it('stores the greeting as message 0 and joins a named creator with the fresh key', () => {
    const u = createSession({ ttl: 600, maxAgents: 3, greeting: 'hello', creator: 'a' }, { ...fx(0, KEY_A), sessionId: 'abc' });
    expect(u.next).toMatchObject({ sessionId: 'abc', ttl: 600, maxAgents: 3, createdAt: T0, expiresAt: T0 + 600_000, creatorAgentId: 'a', greeting: 'hello', headCursor: 0, cronReminderSent: false });
    expect(u.next.agents).toEqual([{ agentId: 'a', joinedAt: T0, lastSeenAt: T0, keyHash: hashSessionKey(KEY_A) }]);
    expect(u.append.map((m) => JSON.parse(m.wire))).toEqual([expect.objectContaining({ id: 'msg_0123456789abcdef', cursor: '0', agentId: 'system', text: 'hello', type: 'greeting' })]);
    expect(u.result).toEqual({
      sessionId: 'abc',
      ttl: 600,
      maxAgents: 3,
      state: 'active',
      createdAt: '2026-11-21T12:00:00Z',
      expiresAt: '2026-11-21T12:10:00Z',
      greeting: 'hello',
      agentsOnline: 1,
      creatorAgentId: 'a',
      agentId: 'a',
      sessionKey: KEY_A,
    });
  });

  it('without a greeting or a creator: an empty session, no key in the answer', () => {
    const u = createSession({ ttl: 60, maxAgents: 2, greeting: null, creator: undefined }, { ...fx(), sessionId: 'abc' });
    expect(u.append).toEqual([]);
    expect(u.next.agents).toEqual([]);
    expect(u.next.creatorAgentId).toBeNull();
    expect(u.result).not.toHaveProperty('sessionKey');
    expect(u.result.agentsOnline).toBe(0);
  });
});

describe('joinSession and claimSession', () => {
  it('the second agent gets a key, slides the TTL and triggers the cron reminder once', () => {
    const s = session([agent('a', KEY_A)], { headCursor: 0, cronReminderSent: false });
    const u = joinSession(s, 'b', undefined, fx(60_000));
    expect(u.next.agents.map((x) => x.agentId)).toEqual(['a', 'b']);
    expect(keyMatches(KEY_B, u.next.agents[1]!.keyHash)).toBe(true);
    expect(u.next).toMatchObject({ expiresAt: T0 + 60_000 + 3_600_000, headCursor: 1, cronReminderSent: true });
    expect(u.append.map((m) => JSON.parse(m.wire))).toEqual([expect.objectContaining({ cursor: '1', agentId: 'system', text: CRON_REMINDER, type: 'system' })]);
    expect(u.result).toEqual({ status: 'joined', sessionId: s.sessionId, agentId: 'b', agentsOnline: 2, sessionKey: KEY_B, ttl: 3600, expiresAt: '2026-11-21T13:01:00Z' });
    const c = claimSession(s, 'b', undefined, fx(60_000));
    expect(c.next).toEqual(u.next);
    expect(c.result).toEqual({ sessionId: s.sessionId, status: 'claimed', agentId: 'b', sessionKey: KEY_B, agentsOnline: 2, ttl: 3600, expiresAt: '2026-11-21T13:01:00Z' });
  });

  it('a re-join with the valid key is idempotent and requires the key from then on', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)], { maxAgents: 2 });
    const u = joinSession(s, 'b', KEY_B, fx(1000, WRONG));
    expect(u.append).toEqual([]);
    expect(u.next.agents[1]).toMatchObject({ agentId: 'b', lastSeenAt: T0 + 1000, keyRequired: 'all' });
    expect(u.result).toMatchObject({ status: 'joined', sessionKey: KEY_B, rejoined: true, agentsOnline: 2 });
  });

  it('409 agent_id_taken for a known id without its key, 409 session_full past capacity', () => {
    const full = session([agent('a', KEY_A), agent('b', KEY_B)]);
    for (const t of [joinSession, claimSession]) {
      expect(thrown(() => t(full, 'b', undefined, fx()))).toEqual([409, 'agent_id_taken']);
      expect(thrown(() => t(full, 'b', WRONG, fx()))).toEqual([409, 'agent_id_taken']);
      expect(thrown(() => t(full, 'c', undefined, fx()))).toEqual([409, 'session_full']);
    }
  });
});

describe('postMessage', () => {
  const input = (over: Partial<PostInput> = {}): PostInput => ({ agentId: 'a', key: KEY_A, text: 'hi', json: undefined, redactions: [], strict: true, ...over });

  it('takes the next cursor, slides the TTL, and answers with the id and cursor', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)]);
    const u = postMessage(s, input({ json: { n: 1 } }), fx(5000));
    expect(u.next).toMatchObject({ headCursor: 2, expiresAt: T0 + 5000 + 3_600_000 });
    expect(u.next.agents[0]).toMatchObject({ lastSeenAt: T0 + 5000, keyRequired: 'send' });
    expect(JSON.parse(u.append[0]!.wire)).toMatchObject({ id: 'msg_0123456789abcdef', cursor: '2', agentId: 'a', text: 'hi', json: { n: 1 }, verified: true, type: 'message' });
    expect(u.result).toEqual({ ok: true, id: 'msg_0123456789abcdef', messageId: 'msg_0123456789abcdef', cursor: '2', expiresAt: '2026-11-21T13:00:05Z', verified: true });
  });

  it('its answer body is JSON.stringify of its result, written out or not', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)]);
    for (const over of [{}, { key: undefined }, { text: '[REDACTED:x]', redactions: [{ type: 'x', count: 1 }] }]) {
      const r = postMessage(s, input(over), fx(5000)).result;
      expect(sendBody(r)).toBe(JSON.stringify(r));
    }
  });

  it('reports redactions and marks the message sanitized', () => {
    const u = postMessage(session([agent('a', KEY_A)]), input({ text: '[REDACTED:x]', redactions: [{ type: 'x', count: 1 }] }), fx());
    expect(JSON.parse(u.append[0]!.wire).sanitized).toBe(true);
    expect(u.result).toMatchObject({ redacted: true, redactions: [{ type: 'x', count: 1 }] });
    expect(u.result.warning).toMatch(/REDACTED/);
  });

  it('without a key (never presented) the message is unverified; with STRICT_SESSION_KEY off a wrong key too', () => {
    const s = session([agent('a', KEY_A)]);
    expect(postMessage(s, input({ key: undefined }), fx()).result.verified).toBe(false);
    expect(postMessage(s, input({ key: WRONG, strict: false }), fx()).result.verified).toBe(false);
  });

  it('403 forbidden for a non-member, 403 invalid_session_key for a wrong key, 401 missing_session_key once required', () => {
    const s = session([agent('a', KEY_A, { keyRequired: 'send' })]);
    expect(thrown(() => postMessage(s, input({ agentId: 'z' }), fx()))).toEqual([403, 'forbidden']);
    expect(thrown(() => postMessage(s, input({ key: WRONG }), fx()))).toEqual([403, 'invalid_session_key']);
    expect(thrown(() => postMessage(s, input({ key: undefined }), fx()))).toEqual([401, 'missing_session_key']);
  });
});

describe('pollSession', () => {
  it('marks the reader seen, slides the TTL only when asked, and returns the record', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)]);
    const slid = pollSession(s, 'b', KEY_B, T0 + 9000, true);
    expect(slid.result).toBe(slid.next);
    expect(slid.next.expiresAt).toBe(T0 + 9000 + 3_600_000);
    expect(slid.next.agents[1]).toMatchObject({ lastSeenAt: T0 + 9000, keyRequired: 'all' });
    expect(pollSession(s, 'b', undefined, T0 + 9000, false).next.expiresAt).toBe(s.expiresAt);
  });

  it('403 agent_not_in_session, 403 invalid_session_key, 401 missing_session_key once required', () => {
    const s = session([agent('a', KEY_A, { keyRequired: 'all' }), agent('b', KEY_B)]);
    expect(thrown(() => pollSession(s, 'z', undefined, T0, true))).toEqual([403, 'agent_not_in_session']);
    expect(thrown(() => pollSession(s, 'b', WRONG, T0, true))).toEqual([403, 'invalid_session_key']);
    expect(thrown(() => pollSession(s, 'a', undefined, T0, true))).toEqual([401, 'missing_session_key']);
  });
});

describe('renewSession', () => {
  it('restarts the TTL, optionally longer, and answers with the agents', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)]);
    const u = renewSession(s, 'b', KEY_B, 7200, T0 + 1000);
    expect(u.next).toMatchObject({ ttl: 7200, expiresAt: T0 + 1000 + 7_200_000 });
    expect(u.result).toEqual({ sessionId: s.sessionId, state: 'active', ttl: 7200, expiresAt: '2026-11-21T14:00:01Z', agents: ['a', 'b'] });
    expect(renewSession(s, 'b', undefined, undefined, T0 + 1000).next.ttl).toBe(3600);
  });

  it('only the creator with its key may shorten the TTL: otherwise 403 ttl_shorten_forbidden', () => {
    const s = session([agent('a', KEY_A), agent('b', KEY_B)]);
    expect(renewSession(s, 'a', KEY_A, 60, T0).next.ttl).toBe(60);
    expect(thrown(() => renewSession(s, 'a', undefined, 60, T0))).toEqual([403, 'ttl_shorten_forbidden']);
    expect(thrown(() => renewSession(s, 'b', KEY_B, 60, T0))).toEqual([403, 'ttl_shorten_forbidden']);
  });

  it('403 forbidden for a non-member, 403 invalid_session_key, 401 missing_session_key once required', () => {
    const s = session([agent('a', KEY_A, { keyRequired: 'all' }), agent('b', KEY_B)]);
    expect(thrown(() => renewSession(s, 'z', undefined, undefined, T0))).toEqual([403, 'forbidden']);
    expect(thrown(() => renewSession(s, 'b', WRONG, undefined, T0))).toEqual([403, 'invalid_session_key']);
    expect(thrown(() => renewSession(s, 'a', undefined, undefined, T0))).toEqual([401, 'missing_session_key']);
  });
});

describe('leaveSession', () => {
  const s = session([agent('a', KEY_A), agent('b', KEY_B)]);

  it('removes the agent that presents its key', () => {
    const u = leaveSession(s, 'b', KEY_B);
    expect(u.next.agents.map((x) => x.agentId)).toEqual(['a']);
    expect(u.result).toEqual({ ok: true, status: 'removed', sessionId: s.sessionId, agentId: 'b', message: 'b left the session' });
  });

  it('404 agent_not_found, 401 invalid_session_key, 403 forbidden for the creator', () => {
    expect(thrown(() => leaveSession(s, 'z', KEY_B))).toEqual([404, 'agent_not_found']);
    expect(thrown(() => leaveSession(s, 'b', WRONG))).toEqual([401, 'invalid_session_key']);
    expect(thrown(() => leaveSession(s, 'a', KEY_A))).toEqual([403, 'forbidden']);
  });
});

describe('purity', () => {
  it('the same arguments give the same answer, and the input record is never changed (it is frozen)', () => {
    const s = session([agent('a', KEY_A)], { headCursor: 0, cronReminderSent: false });
    const before = structuredClone(s);
    const runs = [
      () => joinSession(s, 'b', undefined, fx()),
      () => claimSession(s, 'b', undefined, fx()),
      () => postMessage(s, { agentId: 'a', key: KEY_A, text: 't', json: undefined, redactions: [], strict: true }, fx()),
      () => pollSession(s, 'a', KEY_A, T0 + 1, true),
      () => renewSession(s, 'a', KEY_A, 7200, T0 + 1),
      () => createSession({ ttl: 60, maxAgents: 2, greeting: 'g', creator: 'a' }, { ...fx(), sessionId: 'x' }),
    ];
    for (const run of runs) expect(run()).toEqual(run());
    expect(s).toEqual(before);
  });
});
