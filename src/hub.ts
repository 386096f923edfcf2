/**
 * The local hub: both servers in one process, on the embedded default or, with REDIS_URL in
 * `env`, on Redis; `instances` starts that many of each (on one Redis they serve the same
 * sessions and agents). Used by `hub.mjs start` (npm start) and the demo.
 */
import { messengerConfig } from './opennexus/messenger/config.ts';
import { startMessenger } from './opennexus/messenger/server.ts';
import { nexusConfig } from './nexus/server/config.ts';
import { startNexusServer } from './nexus/server/server.ts';

export interface HubOptions {
  host?: string;
  messengerPort?: number;
  nexusPort?: number;
  env?: Record<string, string | undefined>;
  dataDir?: string | null;
  instances?: number;
}

/** Port 0 stays 0 (any free port) for every instance; else instance i gets port + i. */
const nth = (port: number, i: number) => (port === 0 ? 0 : port + i);

export async function startHub(opts: HubOptions) {
  const e = opts.env ?? {};
  const host = opts.host ?? '127.0.0.1';
  const n = opts.instances ?? 1;
  const started: { close(): Promise<void> }[] = [];
  const closeAll = () => Promise.all(started.map((s) => s.close())).then(() => {});
  try {
    const messengers: string[] = [];
    const nexuses: string[] = [];
    for (let i = 0; i < n; i++) {
      const m = await startMessenger(messengerConfig(e, { host, port: nth(opts.messengerPort ?? 8080, i) }));
      started.push(m);
      messengers.push(m.url);
      const x = await startNexusServer(nexusConfig(e, { dataDir: opts.dataDir ?? null, host, port: nth(opts.nexusPort ?? 3000, i) }));
      started.push(x);
      nexuses.push(x.url);
    }
    return { messengerUrl: messengers[0]!, nexusUrl: nexuses[0]!, messengerUrls: messengers, nexusUrls: nexuses, close: closeAll };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

