/**
 * `opennexus` entry: parse argv against the command table, then run the command. Only this
 * shell touches process; the runners are loaded lazily so `--help` stays near node's start-up.
 */
import { argv, env } from 'node:process';
import { UsageError, parseArgs, renderCommandHelp, renderProgramHelp } from './args.ts';
import { classify, err, out, safeText, toJson } from './io.ts';
import { OPENNEXUS } from './opennexus-commands.ts';
import { skillDir } from './state-dir.ts';

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    out(renderProgramHelp(OPENNEXUS));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    out('0.1.0');
    return 0;
  }
  const def = OPENNEXUS.commands.find((c) => c.name === name);
  if (!def) throw new UsageError(`unknown command '${name}' (run 'opennexus --help')`);
  const parsed = parseArgs(def, rest);
  if (parsed.help) {
    out(renderCommandHelp(OPENNEXUS, def, skillDir(import.meta.url)));
    return 0;
  }
  const run = await import('./opennexus-run.ts');
  return run.run(def.name, parsed, { env, moduleUrl: import.meta.url });
}

main(argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    const [code, kind, message] = classify(e);
    if (argv.includes('--json')) out(toJson({ ok: false, error: { code: kind, message } }));
    const cmd = e instanceof UsageError && e.command ? ` ${e.command}` : '';
    err(kind === 'usage' ? `Error: ${safeText(message)}\nRun 'opennexus${cmd} --help' for usage.` : `Error: ${safeText(message)}`);
    process.exitCode = code;
  },
);
