/**
 * The channel's conversations and how they are written as targets (pure). Each
 * NexusMessaging session and each OpenNexus peer is one conversation of the channel:
 *
 *   nexus:<sessionId>        a session this agent created or claimed (nexus spec §2)
 *   opennexus:<agentId>      a peer, by its agent id (base64 of the SHA-256 of its key,
 *                            44 characters); its public key (also 44 characters) is taken too
 *
 * `agent-messaging:` in front (the channel id, as the host's `--target` may carry it) is
 * dropped. The conversation's string is also the peer id the host routes and keys sessions by.
 */
export const CHANNEL_ID = 'agent-messaging';

export type Conversation = { kind: 'nexus'; sessionId: string } | { kind: 'opennexus'; peer: string };

const SESSION_RE = /^[A-Za-z0-9_-]{1,128}$/;
const KEY_RE = /^[A-Za-z0-9+/]{43}=$/;

export function conversationId(c: Conversation): string {
  return c.kind === 'nexus' ? `nexus:${c.sessionId}` : `opennexus:${c.peer}`;
}

/** A target as a user or the host writes it, or null when it names no conversation. */
export function parseTarget(raw: string): Conversation | null {
  let t = raw.trim();
  if (t.toLowerCase().startsWith(`${CHANNEL_ID}:`)) t = t.slice(CHANNEL_ID.length + 1);
  const i = t.indexOf(':');
  if (i < 0) return null;
  const kind = t.slice(0, i).toLowerCase();
  const id = t.slice(i + 1);
  if (kind === 'nexus' && SESSION_RE.test(id)) return { kind: 'nexus', sessionId: id };
  if (kind === 'opennexus' && KEY_RE.test(id)) return { kind: 'opennexus', peer: id };
  return null;
}

/** How a conversation is named to the host and in logs. */
export function conversationLabel(conv: string): string {
  const c = parseTarget(conv);
  return c?.kind === 'nexus' ? `NexusMessaging session ${c.sessionId}` : c?.kind === 'opennexus' ? `OpenNexus agent ${c.peer}` : conv;
}

export const TARGET_HINT = '<nexus:SESSION_ID|opennexus:AGENT_ID_OR_PUBLIC_KEY>';
