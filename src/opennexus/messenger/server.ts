/**
 * Starts the messenger on node:http with the embedded store (the I/O shell around app.ts).
 */
import { serve, type RunningServer } from '../../http/node-adapter.ts';
import { MemoryMessengerStore, type MessengerStore } from '../../store/messenger-store.ts';
import { createMessenger, type Messenger } from './app.ts';
import type { MessengerConfig } from './config.ts';

/** opennexus spec §5: http.MaxBytesReader(65536) on every route. */
export const BODY_LIMIT = 65536;

export interface RunningMessenger extends RunningServer {
  messenger: Messenger;
  store: MessengerStore;
}

export async function startMessenger(
  config: MessengerConfig,
  opts: { store?: MessengerStore; log?: (line: string) => void; now?: () => number } = {},
): Promise<RunningMessenger> {
  const store =
    opts.store ??
    new MemoryMessengerStore({
      maxPerAgent: config.offlineMax,
      ttlMs: config.offlineTtlMs,
      maxTotal: config.offlineMaxTotal,
      maxBytesPerAgent: config.offlineMaxBytes,
      maxBytesTotal: config.offlineMaxTotalBytes,
      graceMs: config.drainGraceMs,
    });
  const messenger = createMessenger({ config, store, ...(opts.now ? { now: opts.now } : {}) });
  const running = await serve(messenger.handler, {
    host: config.host,
    port: config.port,
    bodyLimit: BODY_LIMIT,
    trustProxy: config.trustProxy,
    limits: config.limits,
    ...(opts.log ? { log: opts.log } : {}),
  });
  return {
    ...running,
    messenger,
    store,
    close: async () => {
      await running.close();
      await store.close();
    },
  };
}
