/**
 * The messenger's per-agent message store, in memory: messages for an agent with no draining
 * stream wait here (the offline queue), and messages already delivered stay for a grace period
 * so that every new draining stream of the agent gets them again (retention).
 *
 * Why retention: agent ids are not authenticated (opennexus spec §10 B4), so anyone can open a
 * stream as an agent. Without it, such a thief drains the queue and the real agent never sees
 * those messages; with it, the real agent still gets them (ciphertext; clients drop replays by
 * counter, opennexus spec §4.5). A HELLO is the exception: a replayed HELLO replaces the receiver's live
 * session (opennexus spec §4.4), so it is delivered once and never replayed.
 *
 * Everything is counted in bytes as stored (the frame after Go-style escaping, which can make a
 * 64 KiB body six times larger), per agent and in total, so no sequence of requests grows it
 * past its budget. Nothing here scans all agents: expiry walks agents in order of last use and
 * eviction walks agents in order of last delivery, each step removing something. No client
 * address may hold more than its share of the waiting bytes (sender-shares.ts).
 */
import { type AddOptions, type DrainedFrame, type EnqueueResult, type OfflineQueueLimits, type QueueUsage } from './offline-queue-limits.js';
export * from './offline-queue-limits.js';
/** A kept frame as a snapshot holds it (messenger-file-store.ts). */
export interface KeptFrame {
    agentId: string;
    frame: Uint8Array;
    at: number;
    queued: boolean;
    deliveredAt: number | null;
    once: boolean;
    control: boolean;
    sender?: string;
}
export declare class OfflineQueue {
    private readonly agents;
    private readonly retainers;
    private readonly limits;
    private readonly shares;
    private bytes;
    private messages;
    private dropped;
    private refused;
    constructor(limits: OfflineQueueLimits);
    /**
     * Stores a frame for an agent: `delivered` when a draining stream took it (kept for the grace
     * period), else it waits for one (kept for the TTL). `once` frames are never replayed.
     */
    add(agentId: string, frame: string, nowMs: number, opts?: AddOptions): EnqueueResult;
    /**
     * What a watch stream (`?drain=0`) is shown: the control frames (HELLO_ACKs, resets) still
     * waiting for the agent, oldest first, left in place for its draining stream. A `send` that
     * starts after the peer answered an earlier handshake finds the answer here.
     */
    peekControl(agentId: string, nowMs: number): DrainedFrame[];
    /**
     * What a new draining stream gets, oldest first: every kept frame of the agent. Waiting ones
     * become delivered; `once` frames are removed; with no grace period everything is removed.
     */
    drain(agentId: string, nowMs: number): DrainedFrame[];
    /** Frames of the agent that no draining stream has taken yet. */
    waiting(agentId: string, nowMs: number): number;
    /** Delivered frames kept for replay. */
    retained(agentId: string, nowMs: number): number;
    /** Bytes of waiting frames charged to a client address. */
    senderBytes(sender: string): number;
    usage(): QueueUsage;
    /**
     * Takes back a frame that was just added and is still waiting (its write to disk failed, so
     * its sender is told 503 and will send it again); false when a stream took it meanwhile.
     */
    withdraw(agentId: string, frame: string): boolean;
    /** Every kept frame, agents in order of last use, each agent's oldest first (a snapshot, messenger-file-store.ts). */
    kept(): Iterable<KeptFrame>;
    /** Puts back a frame from a snapshot, as it was (appended after the agent's others). */
    restore(k: KeptFrame): void;
    private count;
    private refuse;
    /** Delivered or gone: the frame no longer counts against its sender's share. */
    private unwait;
    private expired;
    /** Drops the agent's expired frames (at most maxPerAgent of them to look at). */
    private prune;
    /**
     * The cheap prune on the path of every message: expired frames at the front only. The rest
     * go at the next drain or count, and meanwhile they are counted against the budgets.
     */
    private pruneFront;
    /** Agents untouched for longer than anything of theirs can live are dropped whole. */
    private sweep;
    /** Evicts the oldest retained frame of the agent least recently delivered to. */
    private evictRetained;
    private remove;
    private forget;
    /** Moves the agent to the end of the order of use (and of delivery, when it just had one). */
    private touch;
}
