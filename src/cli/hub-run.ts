/**
 * `hub.mjs start`: both servers in one process, their URLs as JSON on stdout, shell hints on
 * stderr, a clean stop on Ctrl-C / SIGTERM.
 */
import { int, str, type Parsed, type RunContext } from './args.ts';
import { err, onStopSignal, out } from './io.ts';
import { serverDataDir } from './state-dir.ts';
import { startHub } from '../hub.ts';

export async function start(p: Parsed, ctx: RunContext): Promise<number> {
  const hub = await startHub({
    ...(str(p, 'host') ? { host: str(p, 'host')! } : {}),
    messengerPort: int(p, 'messenger-port', 0, 65535) ?? 8080,
    nexusPort: int(p, 'nexus-port', 0, 65535) ?? 3000,
    env: ctx.env,
    dataDir: serverDataDir(ctx.env, ctx.moduleUrl),
  });
  out(JSON.stringify({ event: 'listening', service: 'hub', messengerUrl: hub.messengerUrl, nexusUrl: hub.nexusUrl }));
  err(`OpenNexus messenger:        ${hub.messengerUrl}`);
  err(`NexusMessaging server:      ${hub.nexusUrl}`);
  err(`Point the CLIs at it:  export MESSENGER_URL=${hub.messengerUrl} NEXUS_URL=${hub.nexusUrl}`);
  err('Ctrl-C to stop.');
  await new Promise<void>((resolve) => onStopSignal(() => resolve()));
  await hub.close();
  err('Hub stopped.');
  return 0;
}
