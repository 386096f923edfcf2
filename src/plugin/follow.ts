/**
 * The service's two kinds of follower, each a loop that runs until the service's signal aborts:
 * - a NexusMessaging session (per session and agent): the event stream from the saved cursor
 *   (nexus/watch.ts reconnects with Last-Event-ID); a server without streams is long-polled.
 *   Each message from someone else is written to the durable inbox (the Sink) BEFORE its cursor
 *   is saved; a full inbox throws, so the cursor stays and the server keeps the message;
 * - the OpenNexus stream (OpenNexusClient.listen: answers handshakes, completes pending ones,
 *   flushes the outbox, reconnects by itself); each message goes to the inbox before the next
 *   frame is read, and a message that left the outbox undelivered is a notice there.
 * Failures back off with jitter (0.5-1 s doubling to the poll interval); nothing throws out.
 */
import type { NexusAgent } from '../nexus/agent.ts';
import type { Body } from '../nexus/watch.ts';
import { validCursor } from '../nexus/state.ts';
import type { OpenNexusClient } from '../opennexus/client.ts';
import type { InboxEntry } from './inbox.ts';
import { conversationId } from './targets.ts';

/** Where followers put what arrives: the inbox (durably), then the inbound pump is kicked. */
export interface Sink {
  arrive(e: Omit<InboxEntry, 'at'>): Promise<void>;
}

/** Resolves after `ms`, or at once when the signal aborts; leaves no timer behind. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

const jitter = (ms: number) => ms / 2 + Math.random() * (ms / 2);

export interface FollowDeps {
  agent: NexusAgent;
  sink: Sink;
  signal: AbortSignal;
  pollIntervalSec: number;
  log: (line: string) => void;
}

/** Keeps a message unless it is the agent's own, the server's reminder or the greeting this agent wrote. */
async function deliver(d: FollowDeps, sessionId: string, agentId: string, m: Body): Promise<void> {
  if (m.mine === true || m.type === 'system' || m.agentId === agentId) return;
  if (m.type === 'greeting' && m.creatorAgentId === agentId) return;
  const from = m.type === 'greeting' ? String(m.creatorAgentId ?? 'system') : String(m.agentId ?? '?');
  const conv = conversationId({ kind: 'nexus', sessionId });
  // docs/spec/nexus-e2e.md §6: a sealed message that did not open is a notice, never its ciphertext.
  if (m.e2e === 'failed' || m.e2e === 'replay') {
    const text = `An end-to-end message from ${from} at cursor ${String(m.cursor)} ${m.e2e === 'replay' ? 'was a replay of one already received' : `could not be opened (${String(m.reason)})`}: it is not shown.`;
    await d.sink.arrive({ id: `${conv}:${agentId}:${String(m.cursor)}`, conv, kind: 'notice', from, text, cursor: String(m.cursor) });
    return;
  }
  const text = typeof m.text === 'string' && (m.text !== '' || m.json === undefined) ? m.text : JSON.stringify(m.json ?? '');
  await d.sink.arrive({ id: `${conv}:${agentId}:${String(m.cursor)}`, conv, kind: 'message', from, text, cursor: String(m.cursor) });
}

/** Follows one session until it ends (expired, left, refused) or the service stops. */
export async function followSession(d: FollowDeps, sessionId: string, agentId: string): Promise<'ended' | 'stopped'> {
  let backoff = 1000;
  let polling = false;
  while (!d.signal.aborted) {
    try {
      const saved = await d.agent.state.load(sessionId, agentId);
      if (!polling) {
        const r = await d.agent.watch(saved, agentId, { timeoutMs: 10 * 60_000, signal: d.signal, onMessage: (m) => deliver(d, sessionId, agentId, m) });
        if (r.reconnects > 0) d.log(`session ${sessionId}: the event stream was reopened ${r.reconnects} time(s)`);
        if (r.ended === 'expired') return (d.log(`session ${sessionId} has ended; no longer followed`), 'ended');
        if (r.ended === 'refused') {
          const e = String(r.error?.error ?? '');
          if (['session_not_found', 'agent_not_in_session', 'forbidden', 'invalid_session_key'].includes(e)) return (d.log(`session ${sessionId}: ${e}; no longer followed`), 'ended');
          polling = true; // an older server without the event stream: long-poll it instead
          d.log(`session ${sessionId}: no event stream on its server (${e || r.error?.status}); long-polling`);
        }
      } else {
        const t = Date.now();
        // A server that ignores `wait` and answers at once with nothing is not polled in a loop.
        if ((await pollOnce(d, sessionId, agentId, saved)) === 0 && Date.now() - t < 1000) await pause(jitter(d.pollIntervalSec * 1000), d.signal);
      }
      backoff = 1000;
    } catch (e) {
      if (d.signal.aborted) break;
      d.log(`session ${sessionId}: ${(e as Error).message}; retrying`);
      await pause(jitter(backoff), d.signal);
      backoff = Math.min(backoff * 2, d.pollIntervalSec * 1000);
    }
  }
  return 'stopped';
}

/** One long-poll from the saved cursor: wake for each message, then save the cursor; returns how many came. */
async function pollOnce(d: FollowDeps, sessionId: string, agentId: string, saved: Awaited<ReturnType<NexusAgent['state']['load']>>): Promise<number> {
  const r = await d.agent.poll(saved, agentId, { after: saved.cursor ?? '0', wait: Math.min(d.pollIntervalSec, 50), signal: d.signal });
  if (!r.r.ok) throw new Error(`poll: HTTP ${r.r.status} ${String(r.r.body?.error ?? '')}`);
  const messages = (r.r.body?.messages as Body[] | undefined) ?? [];
  for (const m of messages) await deliver(d, sessionId, agentId, m);
  const next = r.r.body?.nextCursor;
  if (validCursor(next) && next !== saved.cursor) await d.agent.state.save(sessionId, { cursor: next }, agentId);
  return messages.length;
}

/** Keeps the agent's OpenNexus stream open until the service stops. */
export async function followOpenNexus(client: OpenNexusClient, sink: Sink, signal: AbortSignal, log: (line: string) => void, onState: (connected: boolean, error?: string) => void = () => {}): Promise<void> {
  while (!signal.aborted) {
    try {
      await client.listen(async (e) => {
        if (e.type === 'message') {
          const conv = conversationId({ kind: 'opennexus', peer: e.from });
          await sink.arrive({ id: `${conv}:${e.sessionId}:${e.counter.toString()}`, conv, kind: 'message', from: e.from, text: e.text, publicKey: e.publicKey }).catch((err: Error) => {
            // The stream has taken it (its counter is spent): say so loudly rather than drop it unseen.
            log(`OpenNexus message from ${e.from} could not be kept (${err.message}); it is LOST: ask the peer to send it again`);
          });
        } else if (e.type === 'expired' || e.type === 'refused' || e.type === 'gave_up') {
          // opennexus outbox: a message that left it undelivered is reported, never dropped silently
          // Only the status of the refusal: the messenger's body is a stranger's text in the agent's context.
          const why =
            e.type === 'refused'
              ? `was NOT delivered: the peer's messenger refused it (${/^HTTP \d{3}/.exec(e.error)?.[0] ?? 'no usable answer'})`
              : e.type === 'gave_up'
                ? `is UNCONFIRMED: the peer said ${e.requeues + 1} times that it lost the session it went out on; it was sent that often and is not sent again`
                : e.state === 'sent'
                  ? "is UNCONFIRMED: the peer's messenger accepted it, but the peer never answered on that session before its TTL ran out"
                  : `was NOT delivered (it ${e.state === 'queued' ? 'waited for the peer to answer' : 'was never confirmed sent'} until its TTL ran out)`;
          const text = `Your OpenNexus message ${e.id} to ${e.to} ${why}. Its text:\n${e.text.slice(0, 2000)}`;
          const conv = conversationId({ kind: 'opennexus', peer: e.to });
          await sink.arrive({ id: `${conv}:${e.type}:${e.id}`, conv, kind: 'notice', from: e.to, text }).catch((err: Error) => log(`OpenNexus notice ${e.id}: ${err.message}`));
        } else if (e.type === 'not_processed' || e.type === 'send_failed') {
          log(`OpenNexus: ${e.type} ${JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? undefined : v))}`);
        } else if (e.type === 'connected') {
          log(`OpenNexus stream connected to ${e.url}`);
          onState(true);
        } else if (e.type === 'connection_lost') {
          log(`OpenNexus stream lost (${e.error}); reconnecting in ${Math.round(e.retryInMs / 1000)} s`);
          onState(false, `OpenNexus stream: ${e.error}`);
        }
      }, { signal });
    } catch (e) {
      if (signal.aborted) break;
      log(`OpenNexus stream: ${(e as Error).message}; retrying`);
      await pause(jitter(5_000), signal);
    }
  }
}
