/**
 * The channel's outbound side: text into a conversation (targets.ts), for the agent's answer in
 * a turn and for the host's `message` tool (`openclaw message send --channel agent-messaging
 * --target nexus:SID`). A NexusMessaging send carries an Idempotency-Key (the same key, retried,
 * is posted once); an OpenNexus send is queued by the client when the peer has not answered the
 * handshake yet and goes out by itself. Nothing fails silently: a refusal throws OutboundError
 * with what the server said, and `notDispatched` tells the host whether anything went out.
 */
import { CodedError } from '../errors.ts';
import { peerList } from '../opennexus/contacts.ts';
import { addContact } from './consent.ts';
import type { Messaging } from './messaging.ts';
import { parseTarget } from './targets.ts';

export class OutboundError extends CodedError {
  constructor(
    code: string,
    message: string,
    /** true: nothing reached a server (safe to retry, and the host must not report it sent). */
    readonly notDispatched: boolean,
  ) {
    super(code, message);
  }
}

export interface Sent {
  messageId: string;
  /** OpenNexus: "queued" until the peer answers the handshake. */
  status: 'sent' | 'queued';
}

/** The peer's public key for an OpenNexus target given as agent id or public key. */
async function peerKey(m: Messaging, peer: string): Promise<string> {
  const client = await m.opennexus();
  const known = peerList(await client.store.read()).find((p) => p.agent_id === peer || p.public_key === peer);
  return known?.public_key ?? peer; // not known: the target itself must be the public key
}

export async function sendToConversation(m: Messaging, target: string, text: string, idempotencyKey: string): Promise<Sent> {
  const conv = parseTarget(target);
  if (!conv) throw new OutboundError('bad_target', `"${target}" is not a conversation of this channel: use nexus:SESSION_ID or opennexus:AGENT_ID`, true);
  if (!text.trim()) throw new OutboundError('empty', 'nothing to send', true);
  if (conv.kind === 'nexus') {
    let saved;
    try {
      saved = await m.session(conv.sessionId);
    } catch (e) {
      throw new OutboundError('unknown_session', (e as Error).message, true);
    }
    const r = (await m.agent.send(saved, m.settings.agentId, text, idempotencyKey)).r;
    if (!r.ok) throw new OutboundError(String(r.body?.error ?? `http_${r.status}`), `the NexusMessaging server refused (${r.status}): ${String(r.body?.message ?? r.text.slice(0, 200))}`, true);
    return { messageId: `nexus:${conv.sessionId}:${String(r.body?.cursor ?? '')}`, status: 'sent' };
  }
  if (!m.hasKeys()) throw new OutboundError('no_keys', 'this agent has no OpenNexus keys yet (opennexus_whoami with create=true)', true);
  const client = await m.opennexus();
  const key = await peerKey(m, conv.peer);
  if (key === client.identity.publicKeyB64 || conv.peer === client.agentId) throw new OutboundError('bad_target', 'that target is this agent itself', true);
  let r;
  try {
    r = await client.send({ peerPublicKey: key, message: text });
  } catch (e) {
    // Writing first to an agent needs its messenger URL, which a conversation target cannot carry.
    throw new OutboundError('unknown_peer', `cannot write to ${conv.peer}: ${(e as Error).message.replace(/: give --messenger-url.*$/, '')}. To write first to a new OpenNexus agent, use the tool opennexus_send with its public key and messengerUrl; after that, opennexus:AGENT_ID works here`, true);
  }
  if (r.refused?.some((x) => x.id === r.id)) throw new OutboundError('refused', "the peer's messenger refused the message for good", false);
  await addContact(m.settings.stateDir, r.peerId);
  return { messageId: r.id, status: r.status === 'sent' ? 'sent' : 'queued' };
}
