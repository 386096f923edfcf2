import type { Handler } from '../../http/types.js';
import type { MessengerStore } from '../../store/messenger-store.js';
import type { MessengerConfig } from './config.js';
import { Hub } from './hub.js';
export interface MessengerDeps {
    config: MessengerConfig;
    store: MessengerStore;
    now?: () => number;
    newId?: () => string;
    serverId?: string;
}
export interface Messenger {
    handler: Handler;
    hub: Hub;
}
export declare function createMessenger(deps: MessengerDeps): Messenger;
