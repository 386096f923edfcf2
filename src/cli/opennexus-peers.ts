/**
 * `peers` and `outbox`: what the session cache knows, for replying and for checking on what
 * was sent. Reading takes no request and no lock (the cache file is replaced atomically);
 * only `outbox --drop` changes the cache, under its lock.
 */
import { str, type Parsed } from './args.ts';
import { err, out, safeText, toJson } from './io.ts';
import { clientOf, short, type Ctx } from './opennexus-context.ts';
import { outboxList, peerList } from '../opennexus/contacts.ts';
import { dropPeer } from '../opennexus/core/outbox.ts';

/** The cache as it is; a file (or entries) that cannot be read is said, not shown as empty. */
async function cacheOf(p: Parsed, ctx: Ctx) {
  const client = await clientOf(p, ctx, {}, { writable: false });
  const r = await client.store.readChecked();
  if (r.unreadable) err(`Warning: the session cache ${client.store.path} could not be read; the next send or stream keeps a copy of it and starts empty.`);
  else if (r.skipped) err(`Warning: ${r.skipped} invalid entries of the session cache ${client.store.path} are not shown.`);
  return { cache: r.cache, ownKey: client.identity.publicKeyB64 };
}

/** Every peer with a session, a pending handshake or a known messenger: what `send --to` needs. */
export async function peers(p: Parsed, ctx: Ctx): Promise<number> {
  const { cache, ownKey } = await cacheOf(p, ctx);
  const list = peerList(cache, ownKey);
  if (p.flags.json) out(toJson({ peers: list }));
  else if (!list.length) out('No peers yet.');
  else for (const x of list) out(`${x.agent_id}  ${x.session.padEnd(17)} ${x.last_seen ?? '-'}  ${safeText(x.messenger_url ?? '-')}${x.queued ? `  (${x.queued} queued)` : ''}${x.safety_number ? `  safety number ${x.safety_number}` : ''}`);
  if (!p.flags.json && list.length) err(`Reply with: opennexus.mjs send --to <agent_id> --message "..." (the key and messenger come from here)`);
  return 0;
}

/** Messages queued for a handshake, or sent and not yet confirmed by the peer; --drop: one peer's, taken out. */
export async function outbox(p: Parsed, ctx: Ctx): Promise<number> {
  const drop = str(p, 'drop');
  if (drop !== undefined) return dropOutbox(p, ctx, drop);
  const list = outboxList((await cacheOf(p, ctx)).cache, Date.now());
  if (p.flags.json) out(toJson({ outbox: list }));
  else if (!list.length) out('The outbox is empty.');
  else for (const x of list) out(`${x.id}  ${(x.expired ? `${x.state} (expired)` : x.state).padEnd(26)} to ${short(x.to)}  ${x.created_at}  ${safeText(x.text.slice(0, 80))}`);
  return 0;
}

/** `outbox --drop PEER`: under the cache lock; each message is printed with its text, so none goes unseen. */
async function dropOutbox(p: Parsed, ctx: Ctx, peer: string): Promise<number> {
  const client = await clientOf(p, ctx);
  const dropped = await client.store.update((c) => {
    const d = dropPeer(c, peer);
    return { ...(d.dropped.length ? { cache: d.cache } : {}), result: outboxList({ ...c, outbox: d.dropped }, Date.now()) };
  });
  if (p.flags.json) out(toJson({ dropped }));
  else for (const x of dropped) out(`DROPPED: message ${x.id} to ${short(x.to)} (${x.state}): ${safeText(x.text.slice(0, 80))}`);
  const who = safeText(short(peer));
  err(dropped.length ? `${dropped.length} message(s) to ${who} left the outbox; they will not be sent again.` : `No message to ${who} was in the outbox.`);
  return 0;
}
