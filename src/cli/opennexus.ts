/**
 * `opennexus` entry: the one CLI shell (main.ts) over the opennexus command table. Failures
 * are one line on stderr, and with --json also one JSON object on stdout; no command at all is
 * a JSON usage error on stdout with the help on stderr (exit 2), as for `nexus`.
 */
import { env } from 'node:process';
import { UsageError } from './args.ts';
import { classify, err, out, safeText, toJson } from './io.ts';
import { main } from './main.ts';
import { OPENNEXUS } from './opennexus-commands.ts';

main(
  OPENNEXUS,
  { env, moduleUrl: import.meta.url },
  {
    fail(e, argv) {
      const [code, kind, message, details] = classify(e);
      if (argv.includes('--json')) out(toJson({ ok: false, error: { code: kind, message, ...details } }));
      const cmd = e instanceof UsageError && e.command ? ` ${e.command}` : '';
      err(kind === 'usage' ? `Error: ${safeText(message)}\nRun 'opennexus${cmd} --help' for usage.` : `Error: ${safeText(message)}`);
      return code;
    },
    // As `nexus`: the usage error is JSON on stdout (what a program reads), the help on stderr.
    noCommand(help) {
      err(help);
      out(toJson({ ok: false, error: { code: 'usage', message: 'no command given; see the help on stderr' } }));
      return 2;
    },
  },
);
