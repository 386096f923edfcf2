/**
 * `hub` entry: the one CLI shell (main.ts) over the hub's command table; `start` is the
 * default command. Failures are one line on stderr.
 */
import { env } from 'node:process';
import { UsageError } from './args.ts';
import { classify, err, safeText } from './io.ts';
import { HUB } from './hub-commands.ts';
import { main } from './main.ts';

main(
  HUB,
  { env, moduleUrl: import.meta.url },
  {
    fail(e) {
      const [code, , message] = classify(e);
      err(`Error: ${safeText(message)}${e instanceof UsageError ? "\nRun 'hub.mjs --help' for usage." : ''}`);
      return code;
    },
  },
);
