/** `nexus.mjs sessions`: the sessions saved locally, each with its live status (nexus spec §4.3). */
import { err } from './io.ts';
import { shown, type Outcome } from './nexus-reply.ts';
import { NexusClient } from '../nexus/client.ts';
import type { NexusState, SessionState } from '../nexus/state.ts';

/**
 * `sessions`: each saved session with what its server says now. With `prune`, a session its
 * server answered 404 for (expired, closed) is forgotten; one that could not be asked
 * (unreachable, an error) is kept: it may still be there.
 */
export async function listSessions(state: NexusState, serverFor: (s?: SessionState) => string, timeoutMs: number, prune: boolean): Promise<Outcome> {
  const sessions = [];
  const pruned: string[] = [];
  for (const sid of await state.list()) {
    const saved = await state.load(sid);
    const server = saved.server ?? serverFor(saved);
    let status = 'error';
    let expiresAt: unknown;
    try {
      const r = await new NexusClient({ url: server, timeoutMs: Math.min(timeoutMs, 3000) }).status(sid);
      status = r.ok ? 'active' : r.status === 404 && r.body ? 'not_found' : 'error';
      expiresAt = r.body?.expiresAt;
    } catch {
      status = 'unreachable';
    }
    const agents = saved.agents ?? [];
    if (prune && status === 'not_found') {
      await state.remove(sid);
      pruned.push(sid);
      continue;
    }
    sessions.push({ sessionId: sid, agentId: saved.agent ?? null, agents, cursor: saved.cursor ?? null, server, status, ...(expiresAt ? { expiresAt } : {}), ...(saved.e2e ? { e2e: true } : {}) });
  }
  // docs/spec/nexus-e2e.md §2: an end-to-end session (a key saved here) is marked 🔐.
  const lines = sessions.map((s) => `${s.status === 'active' ? '🟢' : '⚪'} ${s.sessionId} ${shown(s.agents.join(',') || '-')} ${s.status}${s.e2e ? ' 🔐 end-to-end' : ''}`);
  return {
    code: 0,
    json: { sessions, ...(prune ? { pruned } : {}) },
    hints: () => {
      err(lines.length ? lines.join('\n') : 'No saved sessions.');
      if (prune) err(`🧹 Removed ${pruned.length} session(s) the server no longer has${pruned.length ? `: ${pruned.join(', ')}` : ''}.`);
    },
  };
}
