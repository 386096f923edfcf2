/**
 * The service's two kinds of follower, each a loop that runs until the service's signal aborts:
 * - a NexusMessaging session (per session and agent): the event stream from the saved cursor
 *   (nexus/watch.ts reconnects with Last-Event-ID); a server without streams is long-polled.
 *   Each message from someone else is handed to the Waker BEFORE its cursor is saved, so a
 *   gateway restart repeats at most the message in flight, which the host drops by its key;
 * - the OpenNexus stream (OpenNexusClient.listen: answers handshakes, completes pending ones,
 *   flushes the outbox, reconnects by itself).
 * Failures back off with jitter (0.5-1 s doubling to the poll interval); nothing throws out.
 */
import type { NexusAgent } from '../nexus/agent.ts';
import type { Body } from '../nexus/watch.ts';
import { validCursor } from '../nexus/state.ts';
import type { OpenNexusClient } from '../opennexus/client.ts';
import { frameNexus, frameOpenNexus, type Waker } from './wake.ts';

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
  waker: Waker;
  signal: AbortSignal;
  pollIntervalSec: number;
  log: (line: string) => void;
}

/** Wakes for a message unless it is the agent's own or the server's reminder. */
async function deliver(d: FollowDeps, sessionId: string, agentId: string, m: Body): Promise<void> {
  if (m.mine === true || m.type === 'system' || m.agentId === agentId) return;
  const from = m.type === 'greeting' ? String(m.creatorAgentId ?? 'system') : String(m.agentId ?? '?');
  const text = typeof m.text === 'string' ? m.text : JSON.stringify(m.json ?? '');
  await d.waker.arrive({ key: `nexus:${sessionId}:${agentId}:${String(m.cursor)}`, text: frameNexus({ sessionId, agentId: from, cursor: String(m.cursor), text }) }, `NexusMessaging ${sessionId.slice(0, 8)}`);
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
export async function followOpenNexus(client: OpenNexusClient, waker: Waker, signal: AbortSignal, log: (line: string) => void): Promise<void> {
  while (!signal.aborted) {
    try {
      await client.listen(async (e) => {
        if (e.type === 'message') {
          const key = `opennexus:${e.from}:${e.sessionId}:${e.counter.toString()}`;
          await waker.arrive({ key, text: frameOpenNexus({ from: e.from, publicKey: e.publicKey, text: e.text }) }, 'OpenNexus');
        } else if (e.type === 'expired' || e.type === 'refused') {
          // opennexus outbox: a message that left it undelivered is reported, never dropped silently
          // Only the status of the refusal: the messenger's body is a stranger's text in the agent's context.
          const why =
            e.type === 'refused'
              ? `was NOT delivered: the peer's messenger refused it (${/^HTTP \d{3}/.exec(e.error)?.[0] ?? 'no usable answer'})`
              : e.state === 'sent'
                ? "is UNCONFIRMED: the peer's messenger accepted it, but the peer never answered on that session before its TTL ran out"
                : `was NOT delivered (it ${e.state === 'queued' ? 'waited for the peer to answer' : 'was never confirmed sent'} until its TTL ran out)`;
          const text = `Your OpenNexus message ${e.id} to ${e.to} ${why}. Its text:\n> ${e.text.slice(0, 2000).replace(/\n/g, '\n> ')}`;
          await waker.arrive({ key: `opennexus:${e.type}:${e.id}`, text }, 'OpenNexus delivery failed');
        } else if (e.type === 'not_processed' || e.type === 'send_failed') {
          log(`OpenNexus: ${e.type} ${JSON.stringify(e, (_k, v) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? undefined : v))}`);
        }
      }, { signal });
    } catch (e) {
      if (signal.aborted) break;
      log(`OpenNexus stream: ${(e as Error).message}; retrying`);
      await pause(jitter(5_000), signal);
    }
  }
}
