import { type RequestBuckets } from '../../http/rate-limit.js';
import type { Handler } from '../../http/types.js';
import type { MessengerStore } from '../../store/messenger-store.js';
import type { MessengerConfig } from './config.js';
import { Hub } from './hub.js';
import { type Relay } from './relay.js';
export interface MessengerDeps {
    config: MessengerConfig;
    store: MessengerStore;
    now?: () => number;
    newId?: () => string;
    serverId?: string;
    /** Where frames go (relay.ts); default: this process's streams, else the offline queue. */
    relay?: (hub: Hub, store: MessengerStore) => Relay;
    /** The per-address rate limit; default: a token bucket in this process. */
    limiter?: RequestBuckets;
}
/** Agent ids are 44 characters of base64 (opennexus spec §1.3); room for other encodings of 32 bytes. */
export declare const MAX_AGENT_ID_CHARS = 256;
export interface Messenger {
    handler: Handler;
    hub: Hub;
    relay: Relay;
}
export declare function createMessenger(deps: MessengerDeps): Messenger;
