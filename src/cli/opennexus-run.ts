/**
 * The opennexus commands' effects: key files, the client, the messenger. Human lines follow
 * the reference's wording (opennexus spec §1.2, §4.2-§4.5) so people and seed instructions recognise them.
 */
import { UsageError, int, str, type Parsed, type RunContext } from './args.ts';
import { CliError, err, onStopSignal, out, readStdin, safeText, toJson } from './io.ts';
import { stateDir } from './state-dir.ts';
import { probeWritable } from '../store/atomic-file.ts';
import { defaultKeyPaths, generateKeys as generateKeysFiles, keyTextOrFile, loadKeys, type KeyPaths } from '../opennexus/keys.ts';
import { DEFAULT_MESSENGER_URL, OpenNexusClient, type ClientEvent } from '../opennexus/client.ts';

type Ctx = RunContext;

const short = (id: string) => `${id.slice(0, 16)}...`;

function keyPaths(p: Parsed, dir: string): KeyPaths {
  const d = defaultKeyPaths(dir);
  return { pub: str(p, 'pub-key') ?? d.pub, priv: str(p, 'priv-key') ?? d.priv };
}

const loadIdentity = (p: Parsed, dir: string) => loadKeys(keyPaths(p, dir));

/** Sessions are saved before anything is sent: refuse at once if they cannot be. */
async function requireWritable(dir: string): Promise<void> {
  try {
    await probeWritable(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new CliError(`the state directory ${dir} is not writable (${code}); nothing was sent. Set NEXUS_STATE_DIR to a writable directory.`, 1, 'state_dir_not_writable');
  }
}

/** opennexus spec §3: 20 s per request; OPENNEXUS_HTTP_TIMEOUT (seconds) shortens or lengthens it. */
function httpTimeoutMs(ctx: Ctx): number {
  const s = Number(ctx.env.OPENNEXUS_HTTP_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? Math.min(s, 600) * 1000 : 20_000;
}

function ownMessenger(ctx: Ctx): string {
  return (ctx.env.MESSENGER_URL || DEFAULT_MESSENGER_URL).replace(/\/+$/, '');
}

const dirOf = (ctx: Ctx) => stateDir('opennexus', ctx.env, ctx.moduleUrl);

export async function whoami(p: Parsed, ctx: Ctx): Promise<number> {
  const dir = dirOf(ctx);
  const { identity } = await loadIdentity(p, dir);
  out(toJson({ agent_id: identity.agentIdB64, public_key: identity.publicKeyB64, messenger_url: ownMessenger(ctx), state_dir: dir, public_key_file: keyPaths(p, dir).pub }));
  return 0;
}

export async function generateKeys(p: Parsed, ctx: Ctx): Promise<number> {
  const paths = keyPaths(p, dirOf(ctx));
  const id = await generateKeysFiles(paths, { force: p.flags.force === true });
  if (p.flags.json) {
    out(toJson({ ok: true, agent_id: id.agentIdB64, public_key: id.publicKeyB64, public_key_file: paths.pub, private_key_file: paths.priv }));
  } else {
    // opennexus spec §1.2's block, except that the private key is not echoed into logs and transcripts.
    out(`Identity Key Generated:\n  Public:  ${id.publicKeyB64}\n  Private: (written to ${paths.priv})\n  AgentID: ${id.agentIdB64}`);
  }
  return 0;
}

export async function send(p: Parsed, ctx: Ctx): Promise<number> {
  const dir = dirOf(ctx);
  // --to, --messenger-url and --message are required by the command table (parseArgs).
  const to = str(p, 'to')!;
  const peerUrl = str(p, 'messenger-url')!;
  let message = str(p, 'message')!;
  if (message === '-') message = (await readStdin()).replace(/\n$/, '');
  const confirmMs = int(p, 'confirm-ms', 0, 60_000);
  const peerKey = await keyTextOrFile(to);
  const { pubText, privText } = await loadIdentity(p, dir);
  await requireWritable(dir);
  const json = p.flags.json === true;
  const client = new OpenNexusClient({
    identityPublicKey: pubText,
    identityPrivateKey: privText,
    messengerUrl: ownMessenger(ctx),
    stateDir: dir,
    postTimeoutMs: httpTimeoutMs(ctx),
    ...(confirmMs !== undefined ? { confirmMs } : {}),
    log: json ? err : out,
  });
  const r = await client.send({ peerPublicKey: peerKey, peerMessengerUrl: peerUrl, message, noCache: p.flags['no-cache'] === true });
  if (json) {
    out(toJson({ ok: true, peer_id: r.peerId, session_id: r.sessionId, counter: r.counter, handshake: r.handshake, redelivered: r.redelivered }));
  }
  return 0;
}

/** The reference's stream lines for each event (opennexus spec §4.3-§4.5). */
function eventLines(e: ClientEvent): string[] {
  switch (e.type) {
    case 'connected':
      return ['Connected! Waiting for messages...', ''];
    case 'message':
      return [`[data] From: ${short(e.from)}`, `Message: ${safeText(e.text, { multiline: true })}`, ''];
    case 'session_established':
      return [`[hello] From: ${short(e.peer)}`];
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
      return [e.detail === 'unsupported protocol_version' ? 'Ignoring message with unsupported protocol_version' : safeText(e.detail)];
    case 'connection_lost':
      return [`Connection lost: ${safeText(e.error)}`, `Reconnecting in ${e.retryInMs / 1000} seconds...`];
    case 'send_failed':
      return [`${e.what === 'hello_ack' ? 'HELLO_ACK send failed' : `${e.what} send failed`}: ${safeText(e.error)}`];
    case 'not_processed':
      return [`NOT PROCESSED: ${e.what}${e.id ? ` id=${safeText(e.id)}` : ''}${e.from ? ` from ${short(safeText(e.from))}` : ''}: ${e.error}`];
  }
}

function eventJson(e: ClientEvent): Record<string, unknown> {
  const { type, ...rest } = e as ClientEvent & Record<string, unknown>;
  const o: Record<string, unknown> = { event: type === 'session_established' ? 'handshake' : type };
  for (const [k, v] of Object.entries(rest)) {
    if (k === 'bytes') continue;
    o[k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = typeof v === 'bigint' ? v.toString() : v;
  }
  return o;
}

export async function stream(p: Parsed, ctx: Ctx): Promise<number> {
  const dir = dirOf(ctx);
  const timeout = int(p, 'timeout', 1, 7 * 24 * 3600);
  const maxMessages = int(p, 'max-messages', 1);
  const json = p.flags.json === true;
  const { pubText, privText, identity } = await loadIdentity(p, dir);
  await requireWritable(dir);
  const url = ownMessenger(ctx);
  const print = json ? err : out;
  const client = new OpenNexusClient({ identityPublicKey: pubText, identityPrivateKey: privText, messengerUrl: url, stateDir: dir, postTimeoutMs: httpTimeoutMs(ctx), log: print });
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
  if (json) out(toJson({ event: 'closed', reason, messages }));
  else out('Stream closed gracefully.');
  if (!connected) throw new CliError(`could not connect to ${url}/v1/messages/stream`, 1, 'network');
  return 0;
}

export async function serve(p: Parsed, ctx: Ctx): Promise<number> {
  const { messengerConfig } = await import('../opennexus/messenger/config.ts');
  const { startMessenger } = await import('../opennexus/messenger/server.ts');
  const port = int(p, 'port', 0, 65535);
  const config = messengerConfig(ctx.env, { ...(str(p, 'host') ? { host: str(p, 'host')! } : {}), ...(port !== undefined ? { port } : {}) });
  let m;
  try {
    m = await startMessenger(config);
  } catch (e) {
    throw new CliError(`cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`, 1, 'listen_failed');
  }
  out(toJson({ event: 'listening', service: 'opennexus-messenger', url: m.url }));
  err(`OpenNexus messenger listening on ${m.url} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await m.close();
  err('Messenger stopped.');
  return 0;
}
