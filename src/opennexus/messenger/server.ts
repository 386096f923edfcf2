/**
 * Starts the messenger on node:http (the I/O shell around app.ts): with the embedded store, or
 * with REDIS_URL on Redis, shared with the other instances (redis-backend.ts).
 */
import { serve, type RunningServer } from '../../http/node-adapter.ts';
import { lockDataDir, type DataDirLock } from '../../store/data-dir-lock.ts';
import { FileMessengerStore } from '../../store/messenger-file-store.ts';
import { MemoryMessengerStore, type MessengerStore } from '../../store/messenger-store.ts';
import { createMessenger, type Messenger } from './app.ts';
import { queueLimits, type MessengerConfig } from './config.ts';
import type { MessengerBackend } from './redis-backend.ts';

/** opennexus spec §5: http.MaxBytesReader(65536) on every route. */
export const BODY_LIMIT = 65536;

export interface RunningMessenger extends RunningServer {
  messenger: Messenger;
  store: MessengerStore;
}

const stderrLine = (line: string) => void process.stderr.write(`${line}\n`);

export async function startMessenger(
  config: MessengerConfig,
  opts: { store?: MessengerStore; log?: (line: string) => void; now?: () => number } = {},
): Promise<RunningMessenger> {
  const now = opts.now ?? Date.now;
  let backend: MessengerBackend | undefined;
  if (config.redisUrl && !opts.store) {
    const { redisBackend } = await import('./redis-backend.ts');
    backend = await redisBackend(config, now, opts.log ?? stderrLine);
  }
  let lock: DataDirLock | null = null;
  let store = opts.store ?? backend?.store;
  if (!store && config.dataDir) {
    // Before anything reads the directory: a second server there is refused (data-dir-lock.ts).
    lock = await lockDataDir(config.dataDir, opts.log ?? stderrLine);
    const fileStore = new FileMessengerStore(config.dataDir, queueLimits(config));
    await fileStore.load().catch(async (e: unknown) => {
      await lock?.release();
      throw e;
    });
    store = fileStore;
  }
  store ??= new MemoryMessengerStore(queueLimits(config));
  const messenger = createMessenger({ config, store, now, ...(backend ? { relay: backend.relay, limiter: backend.limiter } : {}) });
  let running: RunningServer;
  try {
    await messenger.relay.start(); // subscribed before the first stream can connect
    running = await serve(messenger.handler, {
      host: config.host,
      port: config.port,
      bodyLimit: BODY_LIMIT,
      trustProxy: config.trustProxy,
      limits: config.limits,
      ...(backend ? { streamSlots: backend.streamSlots } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
  } catch (e) {
    await messenger.relay.close();
    if (lock) await store.close().catch(() => {}); // ours: its files must not stay open
    await backend?.close();
    await lock?.release();
    throw e;
  }
  return {
    ...running,
    messenger,
    store,
    close: async () => {
      await running.close();
      await messenger.relay.close();
      await store.close();
      await backend?.close();
      await lock?.release(); // last: the store's final writes are done
    },
  };
}
