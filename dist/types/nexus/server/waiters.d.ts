/**
 * Wakes across instances (a shared backend: redis/wake-bus.ts): `publish` after a change is
 * stored here; `subscribe` delivers other instances' wakes, and `onMissed` when some may have
 * been lost (a reconnect), so the caller wakes everything once.
 */
export interface WakeBus {
    publish(sessionId: string): void;
    subscribe(onWake: (sessionId: string) => void, onMissed: () => void): Promise<void>;
}
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
    /** Every waiter re-reads the store (wakes may have been missed). */
    wakeAll(): void;
    /** Waiters registered now: for one session, or in all (operators and tests). */
    count(sessionId?: string): number;
}
