/**
 * Who a `send` goes to (opennexus spec §4.2 takes a public key): a public key, or the agent id
 * of a peer the session cache knows, whole or its unique start as `stream` prints it; never
 * this agent itself, nor its private key given by mistake (a file path is read by the caller).
 */
import { b64 } from './core/bytes.ts';
import type { CacheState } from './core/cache.ts';
import { agentIdOf, parseKeyText } from './core/identity.ts';
import { ClientError } from './errors.ts';
import { clip, short, type Link } from './link.ts';

export interface Peer {
  peer: string;
  peerId: Uint8Array;
  peerPub: Uint8Array;
  peerUrl: string;
}

/** The shortest start of an agent id taken as that peer's (`stream` shows 16 characters). */
const MIN_ID_PREFIX = 8;

/**
 * A peer's id from what a person copies: the whole id, or a unique start of the id of a peer
 * the cache knows, as `stream` and `send` print it (16 characters and "...").
 */
function knownPeerId(cache: CacheState, to: string): string | undefined {
  if (cache.sessions[to] || cache.pending[to]) return to;
  const start = to.replace(/(\.\.\.|\u2026)$/, '');
  if (start.length < MIN_ID_PREFIX || start.length >= 44) return undefined;
  const ids = new Set([...Object.keys(cache.sessions), ...Object.keys(cache.pending), ...Object.keys(cache.peerMessengerUrls), ...cache.outbox.map((e) => e.peer)]);
  const hits = [...ids].filter((id) => id.startsWith(start));
  if (hits.length === 1) return hits[0];
  throw new ClientError(
    'invalid_key',
    `${JSON.stringify(clip(to))} is not a public key, and ${hits.length ? `it starts ${hits.length} known agent ids` : 'no known peer\'s agent id starts with it'}: run \`opennexus peers\` for the full agent id (or give the peer's public key and --messenger-url)`,
  );
}

/** The public key the cache holds for a peer: from its session, a pending handshake or a queued message. */
const knownKey = (cache: CacheState, id: string) => cache.sessions[id]?.peerPublicKey ?? cache.pending[id]?.peerPublicKey ?? cache.outbox.find((e) => e.peer === id && e.peerPublicKey)?.peerPublicKey;

/** Who `to` is: a public key, or the id (or a unique start of it) of a peer whose key the cache holds. */
export function resolvePeer(cache: CacheState, to: string, url: string | undefined): Peer {
  const looksLikeKey = /^[A-Za-z0-9+/]{43}=$/.test(to.trim());
  const id = looksLikeKey ? (cache.sessions[to] || cache.pending[to] ? to : undefined) : knownPeerId(cache, to.trim());
  const known = id === undefined ? undefined : knownKey(cache, id);
  if (id !== undefined && !known) throw new ClientError('invalid_key', `no public key is known for peer ${short(id)}: give --to its public key (see \`opennexus peers\`)`);
  let peerPub: Uint8Array;
  try {
    peerPub = parseKeyText(known ?? to, 'public key');
  } catch (e) {
    throw new ClientError('invalid_key', `Invalid peer public key: ${(e as Error).message}; give the peer's public key (44 base64 characters), a file holding it, or the agent id of a known peer (\`opennexus peers\` lists them)`);
  }
  const peerId = agentIdOf(peerPub);
  const peer = b64(peerId);
  const peerUrl = url ?? cache.peerMessengerUrls[peer];
  if (!peerUrl) {
    // `to` is a key or an id this agent has never seen (both are 44 base64 characters).
    const what = known
      ? `no messenger URL known for peer ${short(peer)}`
      : `${short(to)} is not the agent id of a known peer, and no messenger URL is known for it as a public key (agent id ${short(peer)})`;
    throw new ClientError('invalid_key', `${what}: give --messenger-url, or --to a peer listed by \`peers\``);
  }
  return { peer, peerId, peerPub, peerUrl };
}

/**
 * A recipient that is this agent: its private key (a secret: refused before anything can
 * print or queue it) or itself, by its public key or agent id.
 */
export function refuseSelf(link: Link, to: string): void {
  const t = to.trim();
  const self = link.identity;
  if (t === b64(self.seed)) {
    throw new ClientError('private_key', "the recipient given is this agent's own private key, a secret that must never leave this machine: give the peer's public key (their public_key file, or `public_key` in their `whoami`), or the agent id of a known peer (`opennexus peers`)");
  }
  if (t === self.publicKeyB64 || t === self.agentIdB64) {
    throw new ClientError('self_session', "Refusing self-session: the recipient is this agent itself (its own public key or agent id); give the peer's public key, or the agent id of a known peer (`opennexus peers`)");
  }
}

