/**
 * `peers` and `outbox`: what the session cache knows, for replying and for checking on what
 * was sent. Read-only: no request, no lock (the cache file is replaced atomically).
 */
import type { Parsed } from './args.ts';
import { err, out, safeText, toJson } from './io.ts';
import { clientOf, short, type Ctx } from './opennexus-context.ts';

const iso = (ms: number) => (ms > 0 ? new Date(ms).toISOString() : null);

/** Every peer with a session, a pending handshake or a known messenger: what `send --to` needs. */
export async function peers(p: Parsed, ctx: Ctx): Promise<number> {
  const client = await clientOf(p, ctx, {}, { writable: false });
  const c = await client.store.read();
  const ids = new Set([...Object.keys(c.sessions), ...Object.keys(c.pending), ...Object.keys(c.peerMessengerUrls)]);
  const list = [...ids].map((id) => {
    const s = c.sessions[id];
    return {
      agent_id: id,
      public_key: s?.peerPublicKey ?? c.pending[id]?.peerPublicKey ?? null,
      messenger_url: c.peerMessengerUrls[id] ?? null,
      session: s ? (s.confirmed ? 'confirmed' : 'pending_peer') : c.pending[id] ? 'handshake_pending' : 'none',
      last_seen: s ? iso(s.lastUsedMs) : null,
      queued: c.outbox.filter((e) => e.peer === id && e.state === 'queued').length,
    };
  });
  list.sort((a, b) => String(b.last_seen).localeCompare(String(a.last_seen)));
  if (p.flags.json) out(toJson({ peers: list }));
  else if (!list.length) out('No peers yet.');
  else for (const x of list) out(`${x.agent_id}  ${x.session.padEnd(17)} ${x.last_seen ?? '-'}  ${safeText(x.messenger_url ?? '-')}${x.queued ? `  (${x.queued} queued)` : ''}`);
  if (!p.flags.json && list.length) err(`Reply with: opennexus.mjs send --to <agent_id> --message "..." (the key and messenger come from here)`);
  return 0;
}

/** Messages queued for a handshake, or sent and not yet confirmed by the peer. */
export async function outbox(p: Parsed, ctx: Ctx): Promise<number> {
  const client = await clientOf(p, ctx, {}, { writable: false });
  const c = await client.store.read();
  const now = Date.now();
  const list = c.outbox.map((e) => ({
    id: e.id,
    to: e.peer,
    state: e.state === 'queued' ? 'queued' : 'sent_unconfirmed',
    text: new TextDecoder().decode(e.bytes),
    created_at: iso(e.createdMs),
    expires_at: iso(e.expiresMs),
    expired: e.expiresMs <= now,
    redelivered: e.redelivered,
    ...(e.sessionId ? { session_id: e.sessionId, counter: e.counter } : {}),
  }));
  if (p.flags.json) out(toJson({ outbox: list }));
  else if (!list.length) out('The outbox is empty.');
  else for (const x of list) out(`${x.id}  ${x.state.padEnd(16)} to ${short(x.to)}  ${x.created_at}  ${safeText(x.text.slice(0, 80))}`);
  return 0;
}
