/**
 * `nexus` entry: parse argv against the command table, run the command, print exactly one JSON
 * document on stdout (the result or the error) and human hints on stderr.
 */
import { argv, env } from 'node:process';
import { UsageError, parseArgs, renderCommandHelp, renderProgramHelp, splitCommand } from './args.ts';
import { err, out } from './io.ts';
import { NEXUS } from './nexus-commands.ts';
import { skillDir } from './state-dir.ts';

async function main(args: string[]): Promise<number> {
  const { name, rest } = splitCommand(NEXUS, args);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? out : err)(renderProgramHelp(NEXUS));
    if (!name) out(JSON.stringify({ error: 'usage', message: 'no command given; see the help on stderr' }));
    return name ? 0 : 2;
  }
  const def = NEXUS.commands.find((c) => c.name === name);
  try {
    if (!def) throw new UsageError(`unknown command '${name}' (run 'nexus --help')`);
    const parsed = parseArgs(def, rest);
    if (parsed.help) {
      out(renderCommandHelp(NEXUS, def, skillDir(import.meta.url)));
      return 0;
    }
    const { run } = await import('./nexus-run.ts');
    return await run(def.name, parsed, { env, moduleUrl: import.meta.url });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out(JSON.stringify({ error: 'usage', message: e.message }));
    err(`Error: ${e.message}\nRun 'nexus${e.command ? ` ${e.command}` : ''} --help' for usage.`);
    return 2;
  }
}

main(argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    out(JSON.stringify({ error: 'internal_error', message: e.message }));
    err(`Error: ${e.message}`);
    process.exitCode = 1;
  },
);
