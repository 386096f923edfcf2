/**
 * `hub.mjs start`: both servers in one process, their URLs as JSON on stdout, shell hints on
 * stderr, a clean stop on Ctrl-C / SIGTERM.
 */
import { int, str, type Parsed, type RunContext } from './args.ts';
import { CliError, err, onStopSignal, out } from './io.ts';
import { UsageError } from './args.ts';
import { messengerDataDir, serverDataDir } from './state-dir.ts';
import { startHub } from '../hub.ts';
import { InvalidSetting } from '../settings.ts';

export async function start(p: Parsed, ctx: RunContext): Promise<number> {
  const redis = str(p, 'redis') ?? ctx.env.REDIS_URL;
  const instances = int(p, 'instances', 1, 16) ?? 1;
  if (instances > 1 && !redis) throw new UsageError('--instances above 1 needs --redis URL (or REDIS_URL): instances share their state through Redis');
  let hub;
  try {
    hub = await startHub({
      ...(str(p, 'host') ? { host: str(p, 'host')! } : {}),
      messengerPort: int(p, 'messenger-port', 0, 65535) ?? 8080,
      nexusPort: int(p, 'nexus-port', 0, 65535) ?? 3000,
      env: redis ? { ...ctx.env, REDIS_URL: redis } : ctx.env,
      dataDir: serverDataDir(ctx.env, ctx.moduleUrl),
      messengerDataDir: messengerDataDir(ctx.env, ctx.moduleUrl),
      instances,
    });
  } catch (e) {
    if (e instanceof InvalidSetting) throw e; // exit 2, naming each setting (io.ts classify)
    const known = (e as { code?: string }).code;
    const code = known === 'redis_unavailable' || known === 'data_dir_in_use' ? known : 'listen_failed';
    throw new CliError(`the hub did not start: ${(e as Error).message}`, 1, code);
  }
  out(JSON.stringify({ event: 'listening', service: 'hub', messengerUrl: hub.messengerUrl, nexusUrl: hub.nexusUrl, messengerUrls: hub.messengerUrls, nexusUrls: hub.nexusUrls, storage: redis ? 'redis' : 'embedded' }));
  err(`OpenNexus messenger:        ${hub.messengerUrls.join(' ')}`);
  err(`NexusMessaging server:      ${hub.nexusUrls.join(' ')}`);
  if (redis) err(`Storage: Redis (${instances} instance${instances > 1 ? 's' : ''} of each; any of them serves any request)`);
  err(`Point the CLIs at it:  export MESSENGER_URL=${hub.messengerUrl} NEXUS_URL=${hub.nexusUrl}`);
  err('Ctrl-C to stop.');
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await hub.close();
  err('Hub stopped.');
  return 0;
}
