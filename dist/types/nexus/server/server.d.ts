/**
 * Starts the session server on node:http (the I/O shell around app.ts) on its backend: Redis
 * when REDIS_URL is set (store, rate limits, idempotency and wakes shared by every instance;
 * the client is loaded only then), else the embedded store (DATA_DIR on disk, or memory).
 * Sweeps expired state once a minute (in slices), flushes and disconnects on close.
 */
import { type RunningServer } from '../../http/node-adapter.js';
import type { NexusStore } from '../../store/nexus-store.js';
import type { NexusConfig } from './config.js';
import type { Waiters } from './waiters.js';
export declare const NEXUS_BODY_LIMIT: number;
export interface RunningNexus extends RunningServer {
    store: NexusStore;
    sweep: () => Promise<void>;
    /** Parked polls and open event streams (waiters.ts). */
    waiters: Waiters;
}
export declare function startNexusServer(config: NexusConfig, opts?: {
    store?: NexusStore;
    now?: () => number;
    log?: (line: string) => void;
}): Promise<RunningNexus>;
