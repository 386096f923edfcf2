/**
 * What the messenger keeps beyond open connections: presence heartbeats, the message counter,
 * and the per-agent message store (offline queue and retention, offline-queue.ts). An
 * interface, so a shared (Redis) implementation can serve several instances;
 * MemoryMessengerStore is the embedded default.
 */
import { OfflineQueue, type AddOptions, type DrainedFrame, type EnqueueResult, type OfflineQueueLimits, type QueueUsage } from './offline-queue.js';
import type { MaybePromise } from '../maybe-promise.js';
export type { AddOptions, DrainedFrame, EnqueueResult, OfflineQueueLimits, QueueUsage } from './offline-queue.js';
export interface MessengerStore {
    heartbeat(agentId: string, nowMs: number): Promise<void>;
    /** Agents with a heartbeat within windowMs (opennexus spec §6.4: 60 s). */
    activeAgents(nowMs: number, windowMs: number): Promise<number>;
    /** Synchronous where the store is this process's memory (no await on a message's path). */
    countMessage(): MaybePromise<void>;
    messagesTotal(): Promise<number>;
    /**
     * Keeps a relayed message frame for an agent: one no draining stream took (it waits), or,
     * with `delivered`, one that was delivered (kept for replay to the agent's next streams).
     * `once`: never replayed after its first delivery. `sender`: the posting client's address,
     * charged with the frame while it waits (its share of the queue; 'share' when that is full).
     */
    enqueue(agentId: string, frame: string, nowMs: number, opts?: AddOptions): MaybePromise<EnqueueResult>;
    /** Waiting control frames (HELLO_ACKs, resets) shown to a watch stream, not taken. */
    peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    /** The agent's kept frames for a new draining stream, oldest first; waiting ones count as delivered from now. */
    drain(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    /** Frames of the agent that no draining stream has taken yet. */
    queued(agentId: string, nowMs: number): Promise<number>;
    /** Delivered frames of the agent kept for replay. */
    retained(agentId: string, nowMs: number): Promise<number>;
    usage(): Promise<QueueUsage>;
    ping(): Promise<boolean>;
    close(): Promise<void>;
}
/** Presence entries kept at most: ids are unauthenticated, so anyone can add them. */
export declare const PRESENCE_MAX = 100000;
export declare class MemoryMessengerStore implements MessengerStore {
    private readonly presenceMax;
    /** agent id -> last heartbeat, in order of last heartbeat (re-inserted on each one). */
    private readonly beats;
    protected readonly queue: OfflineQueue;
    protected total: number;
    constructor(limits: OfflineQueueLimits, presenceMax?: number);
    /**
     * Old entries are pruned here, on the only path that adds them, and the oldest go beyond
     * presenceMax: the map never holds more than a window's worth, whoever reads the stats.
     */
    heartbeat(agentId: string, nowMs: number): Promise<void>;
    activeAgents(nowMs: number, windowMs: number): Promise<number>;
    /** Walks from the oldest heartbeat and stops at the first fresh one. */
    private prune;
    /** Heartbeat entries held (for tests and stats). */
    get presenceEntries(): number;
    countMessage(): void;
    messagesTotal(): Promise<number>;
    peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    enqueue(agentId: string, frame: string, nowMs: number, opts?: AddOptions): MaybePromise<EnqueueResult>;
    drain(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    /** Bytes of waiting frames charged to a client address (sender-shares.ts). */
    senderBytes(sender: string): Promise<number>;
    queued(agentId: string, nowMs: number): Promise<number>;
    retained(agentId: string, nowMs: number): Promise<number>;
    usage(): Promise<QueueUsage>;
    ping(): Promise<boolean>;
    close(): Promise<void>;
}
