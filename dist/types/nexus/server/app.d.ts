import { type Handler } from '../../http/types.js';
import { type NexusStore } from '../../store/nexus-store.js';
import type { NexusConfig } from './config.js';
export declare const VERSION = "0.1.0";
export interface NexusDeps {
    config: NexusConfig;
    store: NexusStore;
    now?: () => number;
    random?: (bytes: number) => Uint8Array;
}
export declare function createNexusServer(deps: NexusDeps): {
    handler: Handler;
    sweep: () => Promise<void>;
};
