import type { MessageBudget } from '../../store/nexus-store.js';
import type { NexusConfig } from './config.js';
import type { SessionServerDeps } from './context.js';
import type { Waiters } from './waiters.js';
export interface SharedBackend {
    deps: Required<Pick<SessionServerDeps, 'store' | 'requestLimiter' | 'pairMissLimiter' | 'wakeBus' | 'idempotency' | 'quota'>>;
    /** Starts delivering other instances' wakes to this instance's waiters. */
    listen(waiters: Waiters): Promise<void>;
    close(): Promise<void>;
}
export declare function redisBackend(config: NexusConfig, budget: MessageBudget, now: () => number, log?: (line: string) => void): Promise<SharedBackend>;
