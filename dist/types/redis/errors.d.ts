/**
 * Redis could not be reached in time (down, restarting, too slow). A StorageUnavailable, so
 * the session server's one error path answers 503 for it; the messenger maps it the same way.
 */
import { StorageUnavailable } from '../store/nexus-store.js';
export declare class RedisUnavailable extends StorageUnavailable {
    constructor(message: string);
}
