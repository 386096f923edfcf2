/**
 * `nexus` entry: parse argv against the command table, run the command, print exactly one JSON
 * document on stdout (the result or the error) and human hints on stderr. No outcome, not even
 * an internal error, prints a stack trace or a second document (nexus-reply.ts).
 */
import { argv, env } from 'node:process';
import { UsageError, parseArgs, renderCommandHelp, renderProgramHelp, splitCommand } from './args.ts';
import { err, out, safeText } from './io.ts';
import { NEXUS } from './nexus-commands.ts';
import { reply } from './nexus-reply.ts';
import { skillDir } from './state-dir.ts';

async function main(args: string[]): Promise<number> {
  const { name, rest } = splitCommand(NEXUS, args);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? out : err)(renderProgramHelp(NEXUS));
    return name ? 0 : reply({ code: 2, json: { error: 'usage', message: 'no command given; see the help on stderr' } });
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
    return reply({
      code: 2,
      json: { error: 'usage', message: e.message },
      hints: () => err(`Error: ${safeText(e.message)}\nRun 'nexus${e.command ? ` ${e.command}` : ''} --help' for usage.`),
    });
  }
}

/** A bug or an unexpected failure: one JSON error (unless the answer is out already), exit 1. */
function internal(e: unknown): void {
  const message = (e as Error)?.message ?? String(e);
  process.exitCode = reply({ code: 1, json: { error: 'internal_error', message }, hints: () => err(`Error: ${safeText(message)}`) });
}

process.on('uncaughtException', (e) => {
  internal(e);
  process.exit();
});
main(argv.slice(2)).then((code) => {
  process.exitCode = code;
}, internal);
