import type { Handler } from '../../http/types.js';
import { type SessionServerDeps } from './context.js';
import type { Waiters } from './waiters.js';
export type { SessionServerDeps } from './context.js';
export interface SessionServer {
    handler: Handler;
    /** Drops expired sessions and old pairing-code tombstones (run periodically by server.ts). */
    sweep: () => Promise<void>;
    /** Parked polls and open event streams (operators and tests: none is left behind). */
    waiters: Waiters;
}
export declare function createSessionServer(deps: SessionServerDeps): SessionServer;
