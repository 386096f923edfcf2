/**
 * Starts the session server on node:http (the I/O shell around app.ts) on its backend: Redis
 * when REDIS_URL is set (store, rate limits, idempotency and wakes shared by every instance;
 * the client is loaded only then), else the embedded store (DATA_DIR on disk, or memory).
 * Sweeps expired state once a minute (in slices), flushes and disconnects on close.
 */
import { serve, type RunningServer } from '../../http/node-adapter.ts';
import { lockDataDir, type DataDirLock } from '../../store/data-dir-lock.ts';
import { FileNexusStore } from '../../store/nexus-file-store.ts';
import { MemoryNexusStore } from '../../store/memory-nexus-store.ts';
import type { MessageBudget, NexusStore } from '../../store/nexus-store.ts';
import { createSessionServer } from './app.ts';
import type { NexusConfig } from './config.ts';
import type { Waiters } from './waiters.ts';
import type { SharedBackend } from './redis-backend.ts';
import { MAX_REQUEST_BYTES } from './budgets.ts';

export const NEXUS_BODY_LIMIT = MAX_REQUEST_BYTES;

export interface RunningNexus extends RunningServer {
  store: NexusStore;
  sweep: () => Promise<void>;
  /** Parked polls and open event streams (waiters.ts). */
  waiters: Waiters;
}

export async function startNexusServer(config: NexusConfig, opts: { store?: NexusStore; now?: () => number; log?: (line: string) => void } = {}): Promise<RunningNexus> {
  const now = opts.now ?? Date.now;
  let store = opts.store;
  let shared: SharedBackend | null = null;
  const budget: MessageBudget = { maxPerSession: config.maxMessagesPerSession, maxBytesPerSession: config.maxSessionMessageBytes, maxBytesTotal: config.maxMessageBytesTotal };
  if (!store && config.redisUrl) {
    const { redisBackend } = await import('./redis-backend.ts');
    shared = await redisBackend(config, budget, now, opts.log);
    store = shared.deps.store;
  }
  let lock: DataDirLock | null = null;
  if (!store) {
    if (config.dataDir) {
      // Before anything reads the directory: a second server there is refused (data-dir-lock.ts).
      lock = await lockDataDir(config.dataDir, opts.log ?? ((l) => void process.stderr.write(`${l}\n`)));
      const fileStore = new FileNexusStore(config.dataDir, { budget });
      await fileStore.load(now()).catch(async (e: unknown) => {
        await lock?.release();
        throw e;
      });
      store = fileStore;
    } else {
      store = new MemoryNexusStore(budget);
    }
  }
  const app = createSessionServer({ config, store, now, ...shared?.deps });
  let running: RunningServer;
  try {
    await shared?.listen(app.waiters);
    running = await serve(app.handler, { host: config.host, port: config.port, bodyLimit: NEXUS_BODY_LIMIT, trustProxy: config.trustProxy, limits: config.limits });
  } catch (e) {
    // A port in use (say) must not leave the store's files or Redis connections open: the process would hang.
    await store.close().catch(() => {});
    await shared?.close().catch(() => {});
    await lock?.release();
    throw e;
  }
  const timer = setInterval(() => void app.sweep().catch(() => {}), 60_000);
  timer.unref();
  return {
    ...running,
    store,
    sweep: app.sweep,
    waiters: app.waiters,
    close: async () => {
      clearInterval(timer);
      await running.close();
      await store.close();
      await shared?.close();
      await lock?.release(); // last: the store's final writes are done
    },
  };
}
