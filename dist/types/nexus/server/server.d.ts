/**
 * Starts the session server on node:http with the embedded store (the I/O shell around
 * app.ts): loads persisted sessions, sweeps expired state once a minute (in slices), flushes
 * on close.
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
}): Promise<RunningNexus>;
