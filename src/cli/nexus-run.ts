/**
 * The nexus commands' effects (nexus spec §4): HTTP through NexusClient, per-session state files,
 * one JSON document on stdout (nexus-reply.ts), hints in the seed's style on stderr. Server
 * text on stderr always goes through `shown` (escaped, bounded): a server is untrusted.
 */
import { UsageError, int, str, type Parsed } from './args.ts';
import { err, onStopSignal, out, readStdinUtf8 } from './io.ts';
import { answer, answered, failure, jsonLine, messageLine, pollHints, reply, shown, type Outcome } from './nexus-reply.ts';
import { stateDir } from './state-dir.ts';
import { DEFAULT_NEXUS_URL, NexusClient } from '../nexus/client.ts';
import { NexusAgent, keyFor } from '../nexus/agent.ts';
import { NexusState, safeAgentId, safeSessionId, validCursor, type SessionState } from '../nexus/state.ts';
import { IDEMPOTENCY_KEY } from '../nexus/server/idempotency.ts';
import { parsePairingLink, unwrapPasted } from '../nexus/pairing-link.ts';
import { inlineFiles, poolFiles } from '../store/files.ts';
import { serve } from './nexus-serve.ts';
import { listSessions } from './nexus-sessions.ts';

interface Ctx {
  env: Record<string, string | undefined>;
  moduleUrl: string;
}

const X = 'nexus.mjs';

export async function run(command: string, p: Parsed, ctx: Ctx): Promise<number> {
  if (command === 'serve') return serve(p, ctx);
  // As in opennexus-context.ts: a command that runs and exits does its file work inline;
  // `watch` keeps running with its connection to serve, so it keeps the thread pool.
  const state = new NexusState(stateDir('nexus', ctx.env, ctx.moduleUrl), command === 'watch' ? poolFiles : inlineFiles);
  try {
    return reply(await outcome(command, p, ctx, state));
  } catch (e) {
    const o = failure(e, command);
    if (!o) throw e; // usage and internal errors: nexus.ts prints them
    return reply(o);
  }
}

async function outcome(command: string, p: Parsed, ctx: Ctx, state: NexusState): Promise<Outcome> {
  const timeoutMs = Math.max(1, Number(ctx.env.NEXUS_HTTP_TIMEOUT) || 10) * 1000;
  // A session lives on one server: the one saved for it (a claimed link's) beats NEXUS_URL.
  const serverFor = (saved?: SessionState) => (str(p, 'url') ?? saved?.server ?? (ctx.env.NEXUS_URL || undefined) ?? DEFAULT_NEXUS_URL).replace(/\/+$/, '');
  const clientFor = (saved?: SessionState) => new NexusClient({ url: serverFor(saved), timeoutMs });

  const flagAgent = str(p, 'agent-id');
  if (flagAgent !== undefined && !safeAgentId(flagAgent)) throw new UsageError(`'${flagAgent}' is not an agent id (letters, digits, ".", "_" or "-", up to 128)`, command);
  const sessionArg = async (): Promise<SessionState> => {
    const sid = p.positionals[0]!;
    if (!safeSessionId(sid)) throw new UsageError(`'${sid}' is not a session id`, command);
    return state.load(sid, flagAgent);
  };
  const agentFor = (saved: SessionState): string => {
    const a = flagAgent ?? saved.agent;
    if (a) return a;
    if ((saved.agents?.length ?? 0) > 1) throw new UsageError(`several agents are saved for session ${saved.sessionId} in this state dir (${saved.agents!.join(', ')}): say which with --agent-id`, command);
    throw new UsageError(`missing --agent-id (no agent id saved for session ${saved.sessionId}; join or claim first)`, command);
  };
  const agent = new NexusAgent(state, clientFor, (url) => new NexusClient({ url, timeoutMs }));

  switch (command) {
    case 'create': {
      const creator = str(p, 'creator-agent-id');
      const res = await agent.create({
        ttl: int(p, 'ttl', 60, undefined, 'seconds') ?? 3660,
        ...(str(p, 'greeting') !== undefined ? { greeting: str(p, 'greeting')! } : {}),
        ...(int(p, 'max-agents', 2) !== undefined ? { maxAgents: int(p, 'max-agents', 2)! } : {}),
        ...(creator ? { creatorAgentId: creator } : {}),
        ...(p.flags.e2e === true ? { e2e: true } : {}),
      });
      return answered(res, (b) => {
        err(`✅ Session created: ${shown(b.sessionId)}${creator ? ` (you are ${shown(creator)})` : ''}${b.e2e ? ', end-to-end encrypted' : ''}`);
        err(`💡 Tip: make a pairing link for the other side: ${X} pair ${shown(b.sessionId)}`);
      });
    }
    case 'status': {
      const saved = await sessionArg();
      return answer(await clientFor(saved).status(saved.sessionId));
    }
    case 'join': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      return answered(await agent.join(saved, agentId), (b) => {
        err(`✅ Joined ${saved.sessionId} as ${shown(agentId)}`);
        if (b.e2eKey === 'missing') err(`⚠️  ${shown(b.warning)}`);
        err(`💡 Tip: read the conversation: ${X} poll ${saved.sessionId}`);
      });
    }
    case 'pair': {
      const saved = await sessionArg();
      return answered(await agent.pair(saved, flagAgent), (b) => {
        const minutes = Math.round(Number(b.ttl ?? 600) / 60);
        const [url, code] = [shown(b.url), shown(b.code)];
        err(`🔗 Pairing link: ${url} (code ${code}, single use, valid for ${minutes} minutes)`);
        if (b.e2e) {
          err(`📋 Send this to the other person: "Open ${url} with your AI agent so it can talk to mine. Pass the WHOLE link, including the part after # (that part is the encryption key; valid for ${minutes} minutes)."`);
          err(`🔐 End-to-end encrypted. Once the other agent has joined, run ${X} safety ${saved.sessionId} and compare the code with the other human.`);
        } else err(`📋 Send this to the other person: "Open ${url} with your AI agent so it can talk to mine (code ${code}, valid for ${minutes} minutes)."`);
      });
    }
    case 'claim': {
      const agentId = str(p, 'agent-id');
      if (!agentId) throw new UsageError('missing --agent-id (the id you will use in the session)', command);
      // A URL that is not a pairing link would reach the server as a wrong code (and count as a failed claim).
      if (/^https?:\/\//i.test(unwrapPasted(p.positionals[0]!)) && !parsePairingLink(p.positionals[0]!)) {
        throw new UsageError(`'${p.positionals[0]}' is not a pairing link (https://host/p/CODE) or a code (WORD-WORD-XXXXX)`, command);
      }
      return answered(await agent.claim(p.positionals[0]!, agentId), (b) => {
        err(`✅ Claimed! You joined session ${shown(b.sessionId)} as ${shown(agentId)}${b.e2e ? ' (end-to-end encrypted)' : ''}.`);
        if (b.e2e) err(`🔐 Show your human the safety code to compare with the other side: ${X} safety ${shown(b.sessionId)}`);
        err(`💡 Tip: read the greeting and any messages: ${X} poll ${shown(b.sessionId)}`);
      });
    }
    case 'pair-status':
      return answer(await clientFor().pairStatus(p.positionals[0]!));
    case 'send': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      let text = p.positionals[1];
      if (text === undefined || text === '-') {
        const input = await readStdinUtf8();
        if (input === null) {
          const message = 'stdin is not valid UTF-8; nothing was sent';
          return { code: 2, json: { error: 'invalid_utf8', message }, hints: () => err(`Error: ${message}. Convert it first, e.g. iconv -f LATIN1 -t UTF-8.`) };
        }
        text = input.replace(/\n$/, '');
      }
      if (!text) throw new UsageError('no message text (give it as an argument or on stdin)', command);
      let json: unknown;
      if (p.flags.json === true) {
        try {
          json = JSON.parse(text);
        } catch {
          throw new UsageError('--json: the message is not valid JSON', command);
        }
      }
      const idem = str(p, 'idempotency-key');
      // The server's rule, checked before anything is sent (an empty key would be ignored there).
      if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem)) throw new UsageError('--idempotency-key must be 1-128 visible ASCII characters (no spaces)', command);
      return answered(await agent.send(saved, agentId, json === undefined ? text : '', idem, json), (b) => {
        err(`✅ Sent (cursor ${shown(b.cursor)}${b.verified ? ', verified' : ''})`);
        if (b.warning) err(`⚠️  ${shown(b.warning)}`);
      });
    }
    case 'poll': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      const after = cursorFlag(p, command);
      const limit = int(p, 'limit', 1, 500);
      const wait = int(p, 'wait', 0, 55);
      const res = await agent.poll(saved, agentId, { ...(after !== undefined ? { after } : {}), ...(limit ? { limit } : {}), ...(wait ? { wait } : {}), members: p.flags.members === true });
      return answered(res, (b) => pollHints(`${X} send ${saved.sessionId}`, `${X} poll ${saved.sessionId} --wait 50`, b));
    }
    case 'watch':
      return watch(agent, await sessionArg(), agentFor, p);
    case 'renew': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      return answer(await clientFor(saved).renew(saved.sessionId, agentId, int(p, 'ttl', 60, undefined, 'seconds'), keyFor(saved, agentId)), {
        hints: (b) => err(`✅ Renewed; the session now expires at ${shown(b.expiresAt)}`),
      });
    }
    case 'leave': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      const key = keyFor(saved, agentId);
      if (!key) {
        const message = `no session key saved for ${agentId} in ${saved.sessionId}`;
        return { code: 1, json: { error: 'no_session_key', message }, hints: () => err('Error: leaving needs the session key saved when you joined or claimed.') };
      }
      return answered(await agent.leave(saved, agentId, key), () => err(`✅ Left ${saved.sessionId}; local state removed`));
    }
    case 'close': {
      const saved = await sessionArg();
      const agentId = agentFor(saved);
      const key = keyFor(saved, agentId);
      if (!key) {
        const message = `no session key saved for ${agentId} in ${saved.sessionId}`;
        return { code: 1, json: { error: 'no_session_key', message }, hints: () => err('Error: closing needs the creator\'s session key, saved when it created the session.') };
      }
      return answered(await agent.close(saved, agentId, key), () => err(`✅ Closed ${saved.sessionId} for everyone; local state removed`));
    }
    case 'safety': {
      const r = await agent.safety(await sessionArg());
      return { code: 0, json: r, hints: () => err(`🔐 Safety code: ${String(r.safetyCode)}\n💡 Show it to your human: the other side's human must see the same code (compare by phone or in person).`) };
    }
    case 'sessions':
      return listSessions(state, serverFor, timeoutMs, p.flags.prune === true);
  }
  throw new UsageError(`unknown command '${command}'`);
}

/** `--after`: a cursor is a plain decimal (nexus spec §2.6); anything else is a usage error here, not a 400 there. */
function cursorFlag(p: Parsed, command: string): string | undefined {
  const after = str(p, 'after');
  if (after !== undefined && !validCursor(after)) throw new UsageError(`--after must be a cursor (a decimal number such as 0 or 12), got '${after}'`, command);
  return after;
}

/**
 * `watch`: one JSON line per message on stdout as it arrives (the one exception to "one JSON
 * document per command"), then the summary line through `reply`; exit 0 at its bound (time or
 * --max-messages), 1 when the session ended or the server refused the stream.
 */
async function watch(agent: NexusAgent, saved: SessionState, agentFor: (s: SessionState) => string, p: Parsed): Promise<Outcome> {
  const agentId = agentFor(saved);
  const after = cursorFlag(p, 'watch');
  const max = int(p, 'max-messages', 1);
  const timeoutS = int(p, 'timeout', 1, 86_400, 'seconds') ?? 300;
  err(`👀 Watching ${saved.sessionId} as ${shown(agentId)} for up to ${timeoutS} s${max ? ` or ${max} message(s) from others` : ''}…`);
  // Ctrl-C or SIGTERM ends the watch like its bound: the summary line, exit 0.
  const stop = new AbortController();
  const offSignal = onStopSignal(() => stop.abort());
  const r = await agent.watch(saved, agentId, {
    signal: stop.signal,
    timeoutMs: timeoutS * 1000,
    ...(max ? { maxMessages: max } : {}),
    ...(after !== undefined ? { after: after === '0' ? undefined : after, explicitAfter: true } : {}),
    onMessage: (m) => {
      out(jsonLine(m));
      err(messageLine(m));
    },
  }).finally(offSignal);
  const summary = { event: 'end', reason: stop.signal.aborted ? 'signal' : r.ended, sessionId: saved.sessionId, messages: r.messages, fromOthers: r.fromOthers, cursor: r.cursor, reconnects: r.reconnects, ...(r.error ? { error: r.error.error ?? 'refused', detail: r.error } : {}) };
  const ok = r.ended === 'timeout' || r.ended === 'max_messages';
  return {
    code: ok ? 0 : 1,
    json: summary,
    hints: () => {
      if (r.ended === 'expired') err('⌛ The session has expired.');
      else if (r.ended === 'closed') err('🔒 The session was closed by its creator.');
      else if (r.ended === 'unreachable' || r.ended === 'disconnected') err(`Error: ${shown(String(r.error?.message))}; ${r.messages} message(s) before that. Watch again to resume from cursor ${r.cursor ?? '(start)'}.`);
      else if (r.error) err(`Error: ${shown(r.error.message ?? r.error.error)}`);
      else err(`${r.messages ? `💬 ${r.messages} message(s)` : '💬 No new messages'}; ${stop.signal.aborted ? 'stopped' : r.ended === 'timeout' ? 'time is up' : 'enough messages'}.`);
      if (ok) err(`💡 Tip: reply with: ${X} send ${saved.sessionId} "Your message", then watch again.`);
    },
  };
}
