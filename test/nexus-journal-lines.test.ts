// What the session journal's lines say (store/nexus-journal-lines.ts; nexus spec §2.2): which
// changes must be durable before they are answered, and how lines replay into sessions.
import { describe, expect, it } from 'vitest';
import { materialChange, replayLine, upsertLine } from '../src/store/nexus-journal-lines.ts';
import type { SessionRecord } from '../src/store/nexus-store.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);
const s: SessionRecord = {
  sessionId: 's1',
  ttl: 3600,
  maxAgents: 2,
  createdAt: T0,
  expiresAt: T0 + 3_600_000,
  creatorAgentId: 'a',
  greeting: 'hello',
  agents: [{ agentId: 'a', joinedAt: T0, lastSeenAt: T0, keyHash: 'f'.repeat(64) }],
  headCursor: 3,
  cronReminderSent: false,
};

describe('materialChange', () => {
  it('slides, lastSeenAt and cursors may be written lazily', () => {
    const seen = { ...s, expiresAt: s.expiresAt + 5000, headCursor: 9, agents: [{ ...s.agents[0]!, lastSeenAt: T0 + 5000 }] };
    expect(materialChange(s, seen)).toBe(false);
  });

  it('membership, keys, key requirements, TTL, capacity, creator, greeting and the reminder may not', () => {
    const a = s.agents[0]!;
    for (const next of [
      { ...s, ttl: 60 },
      { ...s, maxAgents: 3 },
      { ...s, creatorAgentId: null },
      { ...s, greeting: null },
      { ...s, cronReminderSent: true },
      { ...s, agents: [] },
      { ...s, agents: [{ ...a, keyRequired: 'send' as const }] },
      { ...s, agents: [{ ...a, keyHash: '0'.repeat(64) }] },
      { ...s, agents: [{ ...a, agentId: 'b' }] },
      { ...s, agents: [{ ...a, joinedAt: T0 + 1 }] },
    ]) {
      expect(materialChange(s, next)).toBe(true);
    }
  });
});

describe('replayLine', () => {
  const replay = (...lines: string[]) => {
    const loaded = new Map<string, SessionRecord>();
    for (const l of lines) replayLine(loaded, JSON.parse(l));
    return loaded;
  };

  it('a later line without the greeting keeps the earlier greeting; the ceiling lifts the head', () => {
    const m = replay(upsertLine(s, 3, true), upsertLine({ ...s, headCursor: 5 }, 256, false));
    expect(m.get('s1')).toEqual({ ...s, headCursor: 256 });
  });

  it('a delete line removes the session; malformed records are skipped', () => {
    expect(replay(upsertLine(s, 3, true), JSON.stringify({ d: 's1' })).size).toBe(0);
    expect(replay(JSON.stringify({ s: { sessionId: 's2' } }), JSON.stringify({ x: 1 })).size).toBe(0);
  });
});
