/**
 * `hub.mjs start`: the embedded default in one command. Both servers in one process, ports
 * printed as JSON on stdout, shell hints on stderr, a clean stop on Ctrl-C / SIGTERM.
 */
import { argv, env } from 'node:process';
import { UsageError, int, parseArgs, renderCommandHelp, renderProgramHelp, splitCommand, str } from './args.ts';
import { err, onStopSignal, out } from './io.ts';
import { HUB } from './hub-commands.ts';
import { serverDataDir, skillDir } from './state-dir.ts';
import { startHub } from '../hub.ts';

async function main(args: string[]): Promise<number> {
  const { name, rest } = splitCommand(HUB, args);
  if (name === '--help' || name === '-h' || name === 'help') {
    out(renderProgramHelp(HUB));
    return 0;
  }
  const def = HUB.commands[0]!;
  if (name !== undefined && name !== 'start' && !name.startsWith('-')) throw new UsageError(`unknown command '${name}' (the hub has: start)`);
  const p = parseArgs(def, name === 'start' ? rest : args);
  if (p.help) {
    out(renderCommandHelp(HUB, def, skillDir(import.meta.url)));
    return 0;
  }
  const hub = await startHub({
    ...(str(p, 'host') ? { host: str(p, 'host')! } : {}),
    messengerPort: int(p, 'messenger-port', 0, 65535) ?? 8080,
    nexusPort: int(p, 'nexus-port', 0, 65535) ?? 3000,
    env,
    dataDir: serverDataDir(env, import.meta.url),
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

main(argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    err(`Error: ${e.message}${e instanceof UsageError ? "\nRun 'hub.mjs --help' for usage." : ''}`);
    process.exitCode = e instanceof UsageError ? 2 : 1;
  },
);
