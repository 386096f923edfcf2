/**
 * Starts the messenger on node:http (the I/O shell around app.ts): with the embedded store, or
 * with REDIS_URL on Redis, shared with the other instances (redis-backend.ts).
 */
import { type RunningServer } from '../../http/node-adapter.js';
import { type MessengerStore } from '../../store/messenger-store.js';
import { type Messenger } from './app.js';
import { type MessengerConfig } from './config.js';
/** opennexus spec §5: http.MaxBytesReader(65536) on every route. */
export declare const BODY_LIMIT = 65536;
export interface RunningMessenger extends RunningServer {
    messenger: Messenger;
    store: MessengerStore;
}
export declare function startMessenger(config: MessengerConfig, opts?: {
    store?: MessengerStore;
    log?: (line: string) => void;
    now?: () => number;
}): Promise<RunningMessenger>;
