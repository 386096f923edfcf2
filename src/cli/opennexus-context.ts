/**
 * What every opennexus command needs from its environment: the state directory, the key
 * files, the own messenger, the request deadline, and a client built from them.
 */
import { str, type Parsed, type RunContext } from './args.ts';
import { CliError, safeText } from './io.ts';
import { stateDir } from './state-dir.ts';
import { probeWritable } from '../store/atomic-file.ts';
import { inlineFiles, poolFiles, type Files } from '../store/files.ts';
import { defaultKeyPaths, loadKeys, type KeyPaths } from '../opennexus/keys.ts';
import { DEFAULT_MESSENGER_URL, OpenNexusClient, type OpenNexusClientOptions } from '../opennexus/client.ts';
import { trimSlash } from '../opennexus/link.ts';

export { short } from '../opennexus/link.ts';

export type Ctx = RunContext;

export function keyPaths(p: Parsed, dir: string): KeyPaths {
  const d = defaultKeyPaths(dir);
  return { pub: str(p, 'pub-key') ?? d.pub, priv: str(p, 'priv-key') ?? d.priv };
}

/**
 * A command that runs and exits does its file work inline (store/files.ts): its event loop has
 * nothing else to serve meanwhile, and a send is cheaper for it. `stream` can run for hours with
 * its connection to serve, so it keeps the thread pool.
 */
const filesFor = (longLived: boolean): Files => (longLived ? poolFiles : inlineFiles);

export const loadIdentity = (p: Parsed, dir: string, files: Files) => loadKeys(keyPaths(p, dir), files);

/** Sessions are saved before anything is sent: refuse at once if they cannot be. */
export async function requireWritable(dir: string, files: Files): Promise<void> {
  try {
    await probeWritable(dir, files);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new CliError(`the state directory ${dir} is not writable (${code}); nothing was sent. Set NEXUS_STATE_DIR to a writable directory.`, 1, 'state_dir_not_writable');
  }
}

/** opennexus spec §3: 20 s per request; OPENNEXUS_HTTP_TIMEOUT (seconds) shortens or lengthens it. */
export function httpTimeoutMs(ctx: Ctx): number {
  const s = Number(ctx.env.OPENNEXUS_HTTP_TIMEOUT);
  return Number.isFinite(s) && s > 0 ? Math.min(s, 600) * 1000 : 20_000;
}

export function ownMessenger(ctx: Ctx): string {
  return trimSlash(ctx.env.MESSENGER_URL || DEFAULT_MESSENGER_URL);
}

export const dirOf = (ctx: Ctx) => stateDir('opennexus', ctx.env, ctx.moduleUrl);

/**
 * The agent's client, from its key files; `writable` first proves the state can be saved;
 * `longLived` for a command that keeps running (see filesFor).
 */
export async function clientOf(p: Parsed, ctx: Ctx, extra: Partial<OpenNexusClientOptions> = {}, opts: { writable?: boolean; longLived?: boolean } = {}): Promise<OpenNexusClient> {
  const dir = dirOf(ctx);
  const files = filesFor(opts.longLived === true);
  const { pubText, privText, identity } = await loadIdentity(p, dir, files);
  if (opts.writable !== false) await requireWritable(dir, files);
  // The library's status lines can quote a server's or a peer's words: escaped for the terminal.
  const log = extra.log;
  return new OpenNexusClient({ identityPublicKey: pubText, identityPrivateKey: privText, identity, messengerUrl: ownMessenger(ctx), stateDir: dir, postTimeoutMs: httpTimeoutMs(ctx), files, ...extra, ...(log ? { log: (l: string) => log(safeText(l)) } : {}) });
}
