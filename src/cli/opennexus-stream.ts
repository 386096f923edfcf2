/**
 * `stream`: the agent's messages as they come, in the reference's words (opennexus spec
 * §4.3-§4.5) or as one JSON object per event; bounded by --timeout and --max-messages.
 */
import { int, type Parsed } from './args.ts';
import { CliError, indentedText, onStopSignal, out, err, safeText, toJson } from './io.ts';
import { clientOf, ownMessenger, short as shortId, type Ctx } from './opennexus-context.ts';

/** An agent id as shown: a frame's ids come from a server or a peer, so escaped. */
const short = (id: string) => safeText(shortId(id));
import type { ClientEvent } from '../opennexus/client.ts';

/** The reference's stream lines for each event (opennexus spec §4.3-§4.5). */
function eventLines(e: ClientEvent): string[] {
  switch (e.type) {
    case 'connected':
      return ['Connected! Waiting for messages...', ''];
    case 'message':
      return [`[data] From: ${short(e.from)}`, `Message: ${indentedText(e.text, 'Message: '.length)}`, ''];
    case 'session_established':
      return e.initiator === 'peer' ? [`[hello] From: ${short(e.peer)}`] : [`[hello_ack] From: ${short(e.peer)}`, 'Session established'];
    case 'outbox_sent':
      return [`Queued message ${e.id} sent to ${short(e.to)}${e.redelivered ? ' (redelivered under a new session)' : ''}`];
    case 'delivered':
      // What the protocol can tell (it has no receipts): the peer holds the session this went out on.
      return [`Message ${e.id} to ${short(e.to)} confirmed: the peer answered on the session it went out on`];
    case 'requeued':
      return [e.why === 'session_lost' ? `Peer ${short(e.to)} lost the session of message ${e.id}; it goes out again under a new one` : `Message ${e.id} to ${short(e.to)} was sealed but its send never finished; it goes out again`];
    case 'expired':
      // A message the messenger accepted may well have been read: the peer just never wrote back on that session.
      return e.state === 'sent'
        ? [`UNCONFIRMED: message ${e.id} to ${short(e.to)} left the outbox at its TTL; the peer's messenger accepted it, but the peer never answered on that session: ${safeText(e.text)}`]
        : [`NOT DELIVERED: message ${e.id} to ${short(e.to)} expired before it ${e.state === 'queued' ? 'could be sent' : 'was confirmed sent'}: ${safeText(e.text)}`];
    case 'gave_up':
      return [`UNCONFIRMED: message ${e.id} to ${short(e.to)} left the outbox: the peer said ${e.requeues + 1} times that it lost the session it went out on, so it was sent ${e.requeues + 1} times and may well have been read; not sent again: ${safeText(e.text)}`];
    case 'refused':
      return [`NOT DELIVERED: the peer's messenger refused message ${e.id} to ${short(e.to)} (${safeText(e.error)}); it left the outbox: ${safeText(e.text)}`];
    case 'hello_sent':
      return [`Sending HELLO to ${short(e.to)} (${e.reason === 'retry' ? 'retrying the handshake' : 'the peer lost its session'})`];
    case 'hello_ack':
      return [`[hello_ack] From: ${short(e.from)}`, 'Received async HELLO_ACK'];
    case 'reset':
      return e.signed
        ? [`[reset] From: ${short(e.from)}`, `[RESET] From ${short(e.from)} reason=${e.reason}`]
        : [`[data] From: ${short(e.from)}`, `[RESET-DATA] From ${short(e.from)} reason=${e.reason}`];
    case 'reset_sent':
      return [`Sending signed RESET to ${short(e.to)} reason=${e.reason}`];
    case 'reset_suppressed':
      return [e.why === 'same_session' ? `Not sending another RESET to ${short(e.to)} for the same session yet` : `Not sending a RESET to ${short(e.to)}: too many resets (${e.why.replace('_', ' ')})`];
    case 'rejected':
      if (e.duplicate) return [`Skipping a message already received (from ${short(e.from ?? '')})`];
      // opennexus spec §4.5 differs (it resets): see core/inbound.ts on why this is dropped.
      if (e.forgery) return [`Dropped a DATA claiming to be ${short(e.from ?? '')} on the session we hold: it does not authenticate (${safeText(e.detail)}); session kept, no reset sent`];
      return [e.detail === 'unsupported protocol_version' ? 'Ignoring message with unsupported protocol_version' : safeText(e.detail)];
    case 'connection_lost':
      return [`Connection lost: ${safeText(e.error)}`, `Reconnecting in ${e.retryInMs / 1000} seconds...`];
    case 'send_failed':
      return [`${e.what === 'hello_ack' ? 'HELLO_ACK send failed' : `${e.what} send failed`}: ${safeText(e.error)}`];
    case 'not_processed':
      return [`NOT PROCESSED: ${safeText(e.what)}${e.id ? ` id=${safeText(e.id)}` : ''}${e.from ? ` from ${short(e.from)}` : ''}: ${safeText(e.error)}`];
  }
}

function eventJson(e: ClientEvent): Record<string, unknown> {
  // A frame handled before (our messenger replays recent ones to a new stream): said as plain
  // mode says it, not as a rejection, without the decryption detail.
  if (e.type === 'rejected' && e.duplicate) return { event: 'already_received', what: e.what, from: e.from ?? null };
  const { type, ...rest } = e as ClientEvent & Record<string, unknown>;
  const o: Record<string, unknown> = { event: type === 'session_established' ? 'handshake' : type };
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'bytes') continue;
    o[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = typeof v === 'bigint' ? v.toString() : v;
  }
  return o;
}

export async function stream(p: Parsed, ctx: Ctx): Promise<number> {
  const timeout = int(p, 'timeout', 1, 7 * 24 * 3600);
  const maxMessages = int(p, 'max-messages', 1);
  const json = p.flags.json === true;
  const url = ownMessenger(ctx);
  const client = await clientOf(p, ctx, { log: json ? err : out }, { longLived: true });
  const identity = client.identity;
  const ac = new AbortController();
  let reason = 'signal';
  const stop = (why: string) => {
    reason = why;
    ac.abort();
  };
  const offSignal = onStopSignal(() => stop('signal'));
  const timer = timeout ? setTimeout(() => stop('timeout'), timeout * 1000) : undefined;
  let messages = 0;
  let connected = false;
  if (!json) {
    out(`Agent ID: ${identity.agentIdB64}`);
    out(`Connecting to ${url}/v1/messages/stream...`);
  }
  try {
    await client.listen(
      (e) => {
        if (e.type === 'connected') connected = true;
        if (json) out(toJson(eventJson(e)));
        else for (const l of eventLines(e)) out(l);
        if (e.type === 'message' && ++messages === maxMessages) stop('max-messages');
      },
      { signal: ac.signal },
    );
  } finally {
    clearTimeout(timer);
    offSignal();
  }
  // Never connected: one error, not a 'closed' line that reads like a normal end before it.
  if (!connected) throw new CliError(`could not connect to ${url}/v1/messages/stream`, 1, 'network');
  if (json) out(toJson({ event: 'closed', reason, messages }));
  else out('Stream closed gracefully.');
  return 0;
}

