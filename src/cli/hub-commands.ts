/** Command tables of the hub and the demo (for --help and the docs). */
import type { ProgramDef } from './args.ts';
import { HUB_LOOPBACK_ENV } from '../hub-defaults.ts';

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
        'On a loopback --host (the default) every local agent comes from 127.0.0.1, so the hub raises the per-address limits of both servers to what the whole server allows (the table below; the guard against guessing pairing codes stays); any variable you set wins. On any other --host, or with TRUST_PROXY set (a tunnel or proxy in front), it keeps the internet-safe defaults of `nexus.mjs serve` and `opennexus.mjs serve`.',
        'Data: the session server keeps its sessions in DATA_DIR (default `<state dir>/nexus-server`), the messenger its offline queue in MESSENGER_DATA_DIR (default `<DATA_DIR>/messenger` when DATA_DIR is set, else `<state dir>/messenger`); `none` keeps memory only. One server per directory: a second hub on the same state dir exits 1 naming the holder\'s pid.',
        'With --instances N every instance serves every session and agent: put them behind any HTTP load balancer (no stickiness needed; event streams are woken through Redis). JSON on stdout lists all URLs (`messengerUrls`, `nexusUrls`); `messengerUrl` and `nexusUrl` are the first.',
      ],
      run: async () => (await import('./hub-run.ts')).start,
    },
  ],
  env: [
    ['DATA_DIR', '<state dir>/nexus-server', 'the session server\'s data; `none` = memory only (both servers, unless MESSENGER_DATA_DIR is set)'],
    ['MESSENGER_DATA_DIR', '<DATA_DIR>/messenger or <state dir>/messenger', 'the messenger\'s offline queue; `none` = memory only'],
    ...HUB_LOOPBACK_ENV.map(([n, d, desc]) => [n, d, `on loopback: ${desc}`] as const),
  ],
};
