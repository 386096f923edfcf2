/**
 * The opennexus commands' effects: key files, sending, the messenger. Human lines follow the
 * reference's wording (opennexus spec §1.2, §4.2) so people and seed instructions recognise them.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { int, str, type Parsed } from './args.ts';
import { CliError, err, onStopSignal, out, readStdin, safeText, toJson } from './io.ts';
import { clientOf, dirOf, keyPaths, loadIdentity, ownMessenger, type Ctx } from './opennexus-context.ts';
import { inlineFiles } from '../store/files.ts';
import { messengerDataDir } from './state-dir.ts';
import { generateKeys as generateKeysFiles, keyTextOrFile, type KeyPaths } from '../opennexus/keys.ts';

export { stream } from './opennexus-stream.ts';
export { outbox, peers } from './opennexus-peers.ts';

export async function whoami(p: Parsed, ctx: Ctx): Promise<number> {
  const dir = dirOf(ctx);
  const { identity } = await loadIdentity(p, dir, inlineFiles);
  out(toJson({ agent_id: identity.agentIdB64, public_key: identity.publicKeyB64, messenger_url: ownMessenger(ctx), state_dir: dir, public_key_file: keyPaths(p, dir).pub }));
  return 0;
}

export async function generateKeys(p: Parsed, ctx: Ctx): Promise<number> {
  const paths = keyPaths(p, dirOf(ctx));
  const id = await generateKeysFiles(paths, { force: p.flags.force === true }).catch((e: unknown) => {
    throw unwritableKeys(e, paths);
  });
  if (p.flags.json) {
    out(toJson({ ok: true, agent_id: id.agentIdB64, public_key: id.publicKeyB64, public_key_file: paths.pub, private_key_file: paths.priv }));
  } else {
    // opennexus spec §1.2's block, except that the private key is not echoed into logs and transcripts.
    out(`Identity Key Generated:\n  Public:  ${id.publicKeyB64}\n  Private: (written to ${paths.priv})\n  AgentID: ${id.agentIdB64}`);
  }
  return 0;
}

/** What a file system error means for a person, by its code. */
const WHY: Record<string, string> = {
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted there',
  ENOTDIR: 'a part of that path is a file, not a folder',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EISDIR: 'a folder is in the way of a key file',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * A key file that could not be written: which folder, why, what to do (never the raw error
 * naming a temporary file). Exit 1: the environment, not the input, has to change.
 */
function unwritableKeys(e: unknown, paths: KeyPaths): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (typeof code !== 'string' || !code.startsWith('E')) return e;
  const dir = dirname(paths.priv);
  return new CliError(
    `cannot write the key files in ${dir}: ${WHY[code] ?? code} (${code}). Choose a writable place: set NEXUS_STATE_DIR to a folder you can write (keys go to its opennexus/ folder), or pass --priv-key and --pub-key.`,
    1,
    'state_dir_not_writable',
  );
}

/** A file given as --to that is a private key (the peer's public key was meant): refused unread. */
function refusePrivateKeyFile(to: string, own: KeyPaths): void {
  if (!existsSync(to)) return;
  if (resolve(to) === resolve(own.priv) || /priv/i.test(basename(to))) {
    throw new CliError(`--to ${to} is a private key file: give the peer's public key (their public_key file, or \`public_key\` in their \`whoami\`), or the agent id of a known peer (\`opennexus peers\`)`, 2, 'private_key');
  }
}

export async function send(p: Parsed, ctx: Ctx): Promise<number> {
  // --to and --message are required by the command table (parseArgs).
  let message = str(p, 'message')!;
  if (message === '-') message = (await readStdin()).replace(/\n$/, '');
  const wait = int(p, 'wait', 0, 600) ?? 30;
  const ttl = int(p, 'ttl', 1, 30 * 24 * 3600) ?? 24 * 3600;
  refusePrivateKeyFile(str(p, 'to')!, keyPaths(p, dirOf(ctx)));
  const peerKey = await keyTextOrFile(str(p, 'to')!);
  const json = p.flags.json === true;
  const client = await clientOf(p, ctx, { helloAckTimeoutMs: wait * 1000, outboxTtlMs: ttl * 1000, log: json ? err : out });
  const peerUrl = str(p, 'messenger-url');
  const r = await client.send({ peerPublicKey: peerKey, ...(peerUrl ? { peerMessengerUrl: peerUrl } : {}), message, noCache: p.flags['no-cache'] === true });
  if (json) {
    out(toJson({ ok: true, status: r.status, message_id: r.id, peer_id: r.peerId, session_id: r.sessionId ?? null, counter: r.counter ?? null, handshake: r.handshake, redelivered: r.redelivered, ...(r.reason ? { reason: r.reason } : {}), ...(r.refused ? { refused: r.refused } : {}) }));
  }
  for (const x of r.refused ?? []) err(`NOT DELIVERED: the peer's messenger refused queued message ${x.id} (${safeText(x.error)}); it left the outbox: ${safeText(x.text)}`);
  // Queued is not a failure: the message is in the outbox, and sending it again would duplicate it.
  if (r.status === 'queued' && r.reason) err(`Not sent yet (${safeText(r.reason)}); message ${r.id} is queued and goes out on the next \`send\` or \`stream\`.`);
  else if (r.status === 'queued') err(`Peer not online; message ${r.id} queued, will be delivered when it answers; \`stream\` (or the next \`send\`) completes it.`);
  else err(`Accepted by the peer's messenger (message ${r.id}); it stays in the outbox until the peer answers on this session.`);
  return 0;
}

export async function serve(p: Parsed, ctx: Ctx): Promise<number> {
  const { messengerConfig } = await import('../opennexus/messenger/config.ts');
  const { startMessenger } = await import('../opennexus/messenger/server.ts');
  const port = int(p, 'port', 0, 65535);
  const config = messengerConfig(ctx.env, { dataDir: messengerDataDir(ctx.env, ctx.moduleUrl), ...(str(p, 'host') ? { host: str(p, 'host')! } : {}), ...(port !== undefined ? { port } : {}) });
  let m;
  try {
    m = await startMessenger(config);
  } catch (e) {
    // REDIS_URL set but Redis unreachable: say so, rather than serve alone (opennexus spec §5
    // falls back to local mode, which splits the instances' agents without anyone noticing).
    const code = (e as { code?: string }).code;
    if (code === 'redis_unavailable' || code === 'data_dir_in_use') throw new CliError((e as Error).message, 1, code);
    throw new CliError(`cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`, 1, 'listen_failed');
  }
  const storage = config.redisUrl ? 'redis' : config.dataDir ? 'disk' : 'memory';
  out(toJson({ event: 'listening', service: 'opennexus-messenger', url: m.url, storage, dataDir: config.redisUrl ? null : config.dataDir }));
  err(`OpenNexus messenger listening on ${m.url} (queue: ${config.redisUrl ? `Redis, prefix ${config.redisPrefix}` : (config.dataDir ?? 'memory only')}; Ctrl-C to stop)`);
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await m.close();
  err('Messenger stopped.');
  return 0;
}
