/**
 * What the messenger keeps beyond open connections: presence heartbeats, the message counter,
 * and the offline queue. An interface, so a shared (Redis) implementation can serve several
 * instances; MemoryMessengerStore is the embedded default.
 */
export interface OfflineQueueLimits {
    /** Messages kept per agent; the oldest are dropped beyond this. 0 disables the queue. */
    maxPerAgent: number;
    /** How long a queued message is kept, in ms. */
    ttlMs: number;
    /** Messages kept for all agents together: agent ids are unauthenticated, so bound the sum. */
    maxTotal: number;
}
export interface MessengerStore {
    heartbeat(agentId: string, nowMs: number): Promise<void>;
    /** Agents with a heartbeat within windowMs (spec §6.4: 60 s). */
    activeAgents(nowMs: number, windowMs: number): Promise<number>;
    countMessage(): Promise<void>;
    messagesTotal(): Promise<number>;
    /** Appends a relayed message frame for an agent with no open stream. Returns how many were dropped. */
    enqueue(agentId: string, frame: string, nowMs: number): Promise<number>;
    /** Removes and returns the agent's unexpired queued frames, oldest first. */
    drain(agentId: string, nowMs: number): Promise<string[]>;
    queued(agentId: string, nowMs: number): Promise<number>;
    ping(): Promise<boolean>;
    close(): Promise<void>;
}
export declare class MemoryMessengerStore implements MessengerStore {
    private readonly limits;
    private readonly beats;
    private readonly queues;
    private total;
    private queuedTotal;
    private lastSweep;
    constructor(limits: OfflineQueueLimits);
    heartbeat(agentId: string, nowMs: number): Promise<void>;
    activeAgents(nowMs: number, windowMs: number): Promise<number>;
    countMessage(): Promise<void>;
    messagesTotal(): Promise<number>;
    enqueue(agentId: string, frame: string, nowMs: number): Promise<number>;
    drain(agentId: string, nowMs: number): Promise<string[]>;
    queued(agentId: string, nowMs: number): Promise<number>;
    private live;
    /** Expired queues of agents that never come back are dropped once a minute. */
    private sweep;
    ping(): Promise<boolean>;
    close(): Promise<void>;
}
