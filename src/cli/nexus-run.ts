/**
 * The nexus commands' effects (spec §4): HTTP through NexusClient, per-session state files,
 * one JSON document on stdout, hints in the seed's style on stderr.
 */
import { UsageError, int, str, type Parsed } from './args.ts';
import { err, onStopSignal, out, readStdin } from './io.ts';
import { serverDataDir, stateDir } from './state-dir.ts';
import { DEFAULT_NEXUS_URL, NexusClient, NexusNetworkError, type ApiResult } from '../nexus/client.ts';
import { NexusState, safeSessionId, type SessionState } from '../nexus/state.ts';

interface Ctx {
  env: Record<string, string | undefined>;
  moduleUrl: string;
}

type Body = Record<string, unknown>;
const X = 'nexus.mjs';

export async function run(command: string, p: Parsed, ctx: Ctx): Promise<number> {
  const state = new NexusState(stateDir('nexus', ctx.env, ctx.moduleUrl));
  const timeoutMs = Math.max(1, Number(ctx.env.NEXUS_HTTP_TIMEOUT) || 10) * 1000;
  const serverFor = (saved?: SessionState) => (str(p, 'url') ?? (ctx.env.NEXUS_URL || undefined) ?? saved?.server ?? DEFAULT_NEXUS_URL).replace(/\/+$/, '');
  const clientFor = (saved?: SessionState) => new NexusClient({ url: serverFor(saved), timeoutMs });

  const sessionArg = async (): Promise<SessionState> => {
    const sid = p.positionals[0]!;
    if (!safeSessionId(sid)) throw new UsageError(`'${sid}' is not a session id`, command);
    return state.load(sid);
  };
  const agentFor = (saved: SessionState): string => {
    const a = str(p, 'agent-id') ?? saved.agent;
    if (!a) throw new UsageError(`missing --agent-id (no agent id saved for session ${saved.sessionId}; join or claim first)`, command);
    return a;
  };
  /** The saved key belongs to the saved agent only. */
  const keyFor = (saved: SessionState, agentId: string) => (saved.agent === agentId ? saved.key : undefined);

  try {
    switch (command) {
      case 'create': {
        const client = clientFor();
        const creator = str(p, 'creator-agent-id');
        const r = await client.createSession({
          ttl: int(p, 'ttl', 60) ?? 3660,
          ...(str(p, 'greeting') !== undefined ? { greeting: str(p, 'greeting')! } : {}),
          ...(int(p, 'max-agents', 2) !== undefined ? { maxAgents: int(p, 'max-agents', 2)! } : {}),
          ...(creator ? { creatorAgentId: creator } : {}),
        });
        return emit(r, async (b) => {
          const sid = String(b.sessionId);
          if (safeSessionId(sid)) await state.save(sid, { server: client.url, ...(creator ? { agent: creator, key: String(b.sessionKey ?? '') || undefined } : {}) });
          err(`✅ Session created: ${sid}${creator ? ` (you are ${creator})` : ''}`);
          err(`💡 Tip: make a pairing link for the other side: ${X} pair ${sid}`);
        });
      }
      case 'status': {
        const saved = await sessionArg();
        return emit(await clientFor(saved).status(saved.sessionId));
      }
      case 'join': {
        const saved = await sessionArg();
        const agentId = agentFor(saved);
        const client = clientFor(saved);
        return emit(await client.join(saved.sessionId, agentId, keyFor(saved, agentId)), async (b) => {
          await state.save(saved.sessionId, { agent: agentId, server: client.url, ...(b.sessionKey ? { key: String(b.sessionKey) } : {}) });
          err(`✅ Joined ${saved.sessionId} as ${agentId}`);
          err(`💡 Tip: read the conversation: ${X} poll ${saved.sessionId}`);
        });
      }
      case 'pair': {
        const saved = await sessionArg();
        return emit(await clientFor(saved).pair(saved.sessionId), async (b) => {
          const minutes = Math.round(Number(b.ttl ?? 600) / 60);
          err(`🔗 Pairing link: ${b.url} (code ${b.code}, single use, valid for ${minutes} minutes)`);
          err(`📋 Send this to the other person: "Open ${b.url} with your AI agent so it can talk to mine (code ${b.code}, valid for ${minutes} minutes)."`);
        });
      }
      case 'claim': {
        const code = p.positionals[0]!;
        const agentId = str(p, 'agent-id');
        if (!agentId) throw new UsageError('missing --agent-id (the id you will use in the session)', command);
        const client = clientFor();
        return emit(await client.claim(code, agentId), async (b) => {
          const sid = String(b.sessionId);
          if (safeSessionId(sid)) await state.save(sid, { agent: agentId, server: client.url, ...(b.sessionKey ? { key: String(b.sessionKey) } : {}) });
          err(`✅ Claimed! You joined session ${sid} as ${agentId}.`);
          err(`💡 Tip: read the greeting and any messages: ${X} poll ${sid}`);
        });
      }
      case 'pair-status':
        return emit(await clientFor().pairStatus(p.positionals[0]!));
      case 'send': {
        const saved = await sessionArg();
        const agentId = agentFor(saved);
        let text = p.positionals[1];
        if (text === undefined || text === '-') text = (await readStdin()).replace(/\n$/, '');
        if (!text) throw new UsageError('no message text (give it as an argument or on stdin)', command);
        return emit(await clientFor(saved).send(saved.sessionId, agentId, text, keyFor(saved, agentId)), async (b) => {
          err(`✅ Sent (cursor ${b.cursor}${b.verified ? ', verified' : ''})`);
          if (b.warning) err(`⚠️  ${b.warning}`);
        });
      }
      case 'poll': {
        const saved = await sessionArg();
        const agentId = agentFor(saved);
        const afterFlag = str(p, 'after');
        // `--after 0` replays from the greeting: the server's `after` is exclusive, so omit it.
        const after = afterFlag !== undefined ? (afterFlag === '0' ? undefined : afterFlag) : saved.cursor;
        const limit = int(p, 'limit', 1, 500);
        const r = await clientFor(saved).poll(saved.sessionId, agentId, { ...(after !== undefined ? { after } : {}), members: p.flags.members === true, ...(limit ? { limit } : {}) });
        return emit(r, async (b) => {
          if (afterFlag === undefined && typeof b.nextCursor === 'string') await state.save(saved.sessionId, { cursor: b.nextCursor });
          pollHints(saved.sessionId, b);
        });
      }
      case 'renew': {
        const saved = await sessionArg();
        const agentId = agentFor(saved);
        return emit(await clientFor(saved).renew(saved.sessionId, agentId, int(p, 'ttl', 60)), async (b) => {
          err(`✅ Renewed; the session now expires at ${b.expiresAt}`);
        });
      }
      case 'leave': {
        const saved = await sessionArg();
        const agentId = agentFor(saved);
        const key = keyFor(saved, agentId);
        if (!key) {
          out(JSON.stringify({ error: 'no_session_key', message: `no session key saved for ${agentId} in ${saved.sessionId}` }));
          err('Error: leaving needs the session key saved when you joined or claimed.');
          return 1;
        }
        const r = await clientFor(saved).leave(saved.sessionId, agentId, key);
        const gone = r.ok || ['session_not_found', 'agent_not_found'].includes(String(r.body?.error));
        if (gone) await state.remove(saved.sessionId);
        return emit(r, async () => {
          err(`✅ Left ${saved.sessionId}; local state removed`);
        });
      }
      case 'sessions':
        return listSessions(state, serverFor, timeoutMs);
      case 'serve':
        return serve(p, ctx);
    }
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    if (e instanceof NexusNetworkError) {
      out(JSON.stringify({ error: 'network_error', message: e.message }));
      err(`Error: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** Prints the server's answer; on success runs `then` (state, hints). Exit 1 on any HTTP error. */
async function emit(r: ApiResult, then?: (body: Body) => Promise<void>): Promise<number> {
  if (r.body === null) {
    out(JSON.stringify({ error: 'non_json_response', status: r.status }));
    err(`Error: the server answered HTTP ${r.status} without JSON: ${r.text.slice(0, 300)}`);
    return 1;
  }
  out(JSON.stringify(r.body));
  if (!r.ok) {
    err(`Error: ${String(r.body.message ?? r.body.error ?? `HTTP ${r.status}`)}`);
    return 1;
  }
  await then?.(r.body);
  return 0;
}

function pollHints(sid: string, b: Body): void {
  const messages = (Array.isArray(b.messages) ? b.messages : []) as Array<Record<string, unknown>>;
  if (messages.length) {
    err(`💬 Received ${messages.length} message(s)`);
    for (const m of messages) err(`  [#${m.cursor}] ${m.agentId === 'system' ? '⚙️  system' : m.agentId}: ${m.text}`);
    err(`💡 Tip: reply with: ${X} send ${sid} "Your message"`);
  } else {
    err('💬 No new messages');
  }
  if (Array.isArray(b.members)) {
    err('Members:');
    for (const m of b.members as Array<Record<string, unknown>>) err(`  ${m.agentId} (last seen ${m.lastSeenAt})`);
  }
  err(`💡 Tip: poll again later: ${X} poll ${sid}`);
}

async function listSessions(state: NexusState, serverFor: (s?: SessionState) => string, timeoutMs: number): Promise<number> {
  const sessions = [];
  for (const sid of await state.list()) {
    const saved = await state.load(sid);
    const server = saved.server ?? serverFor(saved);
    let status = 'error';
    let expiresAt: unknown;
    try {
      const r = await new NexusClient({ url: server, timeoutMs: Math.min(timeoutMs, 3000) }).status(sid);
      status = r.ok ? 'active' : r.status === 404 ? 'not_found' : 'error';
      expiresAt = r.body?.expiresAt;
    } catch {
      status = 'unreachable';
    }
    sessions.push({ sessionId: sid, agentId: saved.agent ?? null, cursor: saved.cursor ?? null, server, status, ...(expiresAt ? { expiresAt } : {}) });
  }
  out(JSON.stringify({ sessions }));
  err(sessions.length ? sessions.map((s) => `${s.status === 'active' ? '🟢' : '⚪'} ${s.sessionId} ${s.agentId ?? '-'} ${s.status}`).join('\n') : 'No saved sessions.');
  return 0;
}

async function serve(p: Parsed, ctx: Ctx): Promise<number> {
  const { nexusConfig } = await import('../nexus/server/config.ts');
  const { startNexusServer } = await import('../nexus/server/server.ts');
  const port = int(p, 'port', 0, 65535);
  const config = nexusConfig(ctx.env, { dataDir: serverDataDir(ctx.env, ctx.moduleUrl), ...(str(p, 'host') ? { host: str(p, 'host')! } : {}), ...(port !== undefined ? { port } : {}) });
  let s;
  try {
    s = await startNexusServer(config);
  } catch (e) {
    out(JSON.stringify({ error: 'listen_failed', message: `cannot listen on ${config.host}:${config.port}: ${(e as Error).message}` }));
    return 1;
  }
  out(JSON.stringify({ event: 'listening', service: 'nexus-session-server', url: s.url, dataDir: config.dataDir }));
  err(`NexusMessaging server listening on ${s.url} (data: ${config.dataDir ?? 'memory only'}; Ctrl-C to stop)`);
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await s.close();
  err('Session server stopped.');
  return 0;
}
