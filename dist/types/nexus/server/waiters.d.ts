export interface WaiterLimits {
    perSession: number;
    perIp: number;
}
/** Removes the waiter; safe to call more than once. */
export type Unregister = () => void;
export declare class Waiters {
    private readonly limits;
    private readonly bySession;
    private readonly perIp;
    private total;
    constructor(limits: WaiterLimits);
    /** Whether one more waiter for `sessionId` from `ip` would fit (checked before answering). */
    fits(sessionId: string, ip: string): boolean;
    /** Registers `onWake` for the session's next change; null when a bound is reached. */
    add(sessionId: string, ip: string, onWake: () => void): Unregister | null;
    /** "Look again": every waiter of the session re-reads the store. */
    wake(sessionId: string): void;
    /** Waiters registered now: for one session, or in all (operators and tests). */
    count(sessionId?: string): number;
}
