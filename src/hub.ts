/**
 * The local hub: both servers in one process, on the embedded default or, with REDIS_URL in
 * `env`, on Redis; `instances` starts that many of each (on one Redis they serve the same
 * sessions and agents). Used by `hub.mjs start` (npm start) and the demo.
 */
import { join } from 'node:path';
import { hubEnv } from './hub-defaults.ts';
import { messengerConfig } from './opennexus/messenger/config.ts';
import { startMessenger } from './opennexus/messenger/server.ts';
import { nexusConfig } from './nexus/server/config.ts';
import { startNexusServer } from './nexus/server/server.ts';

export interface HubOptions {
  host?: string;
  messengerPort?: number;
  nexusPort?: number;
  env?: Record<string, string | undefined>;
  /** The session server's data directory (null: memory only); its DATA_DIR env wins. */
  dataDir?: string | null;
  /** The messenger's (null: memory only); MESSENGER_DATA_DIR wins, else `<DATA_DIR>/messenger`. */
  messengerDataDir?: string | null;
  instances?: number;
}

/**
 * The hub's two servers must not share a directory (data-dir-lock.ts): DATA_DIR is the session
 * server's, as for `nexus.mjs serve`; the messenger's is MESSENGER_DATA_DIR, else a `messenger`
 * folder inside DATA_DIR, else the caller's default. `none` for either keeps memory only.
 */
function messengerEnv(e: Record<string, string | undefined>, opts: HubOptions): Record<string, string | undefined> {
  const own = e.MESSENGER_DATA_DIR?.trim();
  const shared = e.DATA_DIR?.trim();
  const dir = own || (shared === 'none' ? 'none' : shared ? join(shared, 'messenger') : (opts.messengerDataDir ?? 'none'));
  return { ...e, DATA_DIR: dir ?? 'none' };
}

/** Port 0 stays 0 (any free port) for every instance; else instance i gets port + i. */
const nth = (port: number, i: number) => (port === 0 ? 0 : port + i);

/** With no options: both servers on 127.0.0.1, the messenger on :8080 and the session server on :3000, in memory. */
export async function startHub(opts: HubOptions = {}) {
  const host = opts.host ?? '127.0.0.1';
  const e = hubEnv(opts.env ?? {}, host);
  const n = opts.instances ?? 1;
  const started: { close(): Promise<void> }[] = [];
  const closeAll = () => Promise.all(started.map((s) => s.close())).then(() => {});
  try {
    const messengers: string[] = [];
    const nexuses: string[] = [];
    for (let i = 0; i < n; i++) {
      const m = await startMessenger(messengerConfig(messengerEnv(e, opts), { host, port: nth(opts.messengerPort ?? 8080, i) }));
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

