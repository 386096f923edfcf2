/**
 * `nexus` entry: the one CLI shell (main.ts) over the nexus command table. Every outcome, even
 * a usage or internal error, prints exactly one JSON document on stdout and human hints on
 * stderr, never a stack trace (nexus-reply.ts).
 */
import { env } from 'node:process';
import { UsageError } from './args.ts';
import { err, safeText } from './io.ts';
import { main } from './main.ts';
import { NEXUS } from './nexus-commands.ts';
import { reply } from './nexus-reply.ts';

/** A bug or an unexpected failure: one JSON error (unless the answer is out already), exit 1. */
function internal(e: unknown): number {
  const message = (e as Error)?.message ?? String(e);
  return reply({ code: 1, json: { error: 'internal_error', message }, hints: () => err(`Error: ${safeText(message)}`) });
}

process.on('uncaughtException', (e) => {
  process.exitCode = internal(e);
  process.exit();
});

main(
  NEXUS,
  { env, moduleUrl: import.meta.url },
  {
    fail(e) {
      if (!(e instanceof UsageError)) return internal(e);
      return reply({
        code: 2,
        json: { error: 'usage', message: e.message },
        hints: () => err(`Error: ${safeText(e.message)}\nRun 'nexus${e.command ? ` ${e.command}` : ''} --help' for usage.`),
      });
    },
    noCommand(help) {
      err(help);
      return reply({ code: 2, json: { error: 'usage', message: 'no command given; see the help on stderr' } });
    },
  },
);
