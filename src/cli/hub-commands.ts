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
        { name: 'redis', value: 'URL', description: 'run both servers on this Redis (as REDIS_URL does) instead of the embedded store' },
        { name: 'instances', value: 'N', description: 'start N of each server (1-16; more than 1 needs --redis); instance i listens on port + i', default: '1' },
      ],
      examples: ['node {baseDir}/scripts/hub.mjs start', 'node {baseDir}/scripts/hub.mjs start --redis redis://127.0.0.1:6379/2 --instances 2'],
      notes: [
        'With --instances N every instance serves every session and agent: put them behind any HTTP load balancer (no stickiness needed; event streams are woken through Redis). JSON on stdout lists all URLs (`messengerUrls`, `nexusUrls`); `messengerUrl` and `nexusUrl` are the first.',
      ],
      run: async () => (await import('./hub-run.ts')).start,
    },
  ],
};
