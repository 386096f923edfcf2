/** Command tables of the hub and the demo (for --help and the docs). */
import type { ProgramDef } from './args.ts';

export const HUB: ProgramDef = {
  name: 'hub',
  summary: 'Run both servers locally: the OpenNexus messenger and the NexusMessaging session server.',
  version: '0.1.0',
  defaultCommand: 'start',
  commands: [
    {
      name: 'start',
      summary: 'Start both servers on 127.0.0.1 and print their URLs; Ctrl-C / SIGTERM stops them (exit 0).',
      flags: [
        { name: 'host', value: 'HOST', description: 'address to listen on', default: '127.0.0.1' },
        { name: 'messenger-port', value: 'PORT', description: 'OpenNexus messenger port (0 = any free port)', default: '8080' },
        { name: 'nexus-port', value: 'PORT', description: 'NexusMessaging server port (0 = any free port)', default: '3000' },
      ],
      examples: ['node {baseDir}/scripts/hub.mjs start'],
      run: async () => (await import('./hub-run.ts')).start,
    },
  ],
};
