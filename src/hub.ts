/**
 * The local hub: both servers with embedded storage in one process (the "embedded
 * default"). Used by `hub.mjs start` (npm start) and the demo.
 */
import { messengerConfig } from './opennexus/messenger/config.ts';
import { startMessenger } from './opennexus/messenger/server.ts';
import { nexusConfig } from './nexus/server/config.ts';
import { startNexusServer } from './nexus/server/server.ts';

export async function startHub(opts: { host?: string; messengerPort?: number; nexusPort?: number; env?: Record<string, string | undefined>; dataDir?: string | null }) {
  const e = opts.env ?? {};
  const host = opts.host ?? '127.0.0.1';
  const messenger = await startMessenger(messengerConfig(e, { host, port: opts.messengerPort ?? 8080 }));
  try {
    const nexus = await startNexusServer(nexusConfig(e, { dataDir: opts.dataDir ?? null, host, port: opts.nexusPort ?? 3000 }));
    return {
      messengerUrl: messenger.url,
      nexusUrl: nexus.url,
      close: async () => {
        await Promise.all([messenger.close(), nexus.close()]);
      },
    };
  } catch (e) {
    await messenger.close();
    throw e;
  }
}

