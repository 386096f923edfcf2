import type { AddOptions, DrainedFrame, EnqueueResult, MessengerStore, OfflineQueueLimits, QueueUsage } from '../store/messenger-store.js';
import type { RedisConn } from './connection.js';
/** opennexus spec §6.4: presence entries count for 60 s. */
export declare const PRESENCE_WINDOW_MS = 60000;
/** The channel every instance listens on (under the prefix). */
export declare const FRAMES_CHANNEL = "onx:frames";
/** 'live': the store was full, but a draining stream was open somewhere, so it went out unkept. */
export type SharedAddResult = EnqueueResult | 'live';
export interface Taken {
    /** The global sequence number at the drain: frames up to it are in `frames` or were not for this stream. */
    floor: number;
    frames: DrainedFrame[];
}
/** Long or `#`-led ids are hashed into key names; the raw id still travels on the channel. */
export declare function agentKey(agentId: string): string;
export declare class RedisMessengerStore implements MessengerStore {
    private readonly redis;
    private readonly presenceMax;
    private readonly P;
    private readonly limits;
    constructor(redis: RedisConn, limits: OfflineQueueLimits, presenceMax?: number);
    private run;
    heartbeat(agentId: string, nowMs: number): Promise<void>;
    activeAgents(nowMs: number, windowMs: number): Promise<number>;
    countMessage(): Promise<void>;
    messagesTotal(): Promise<number>;
    enqueue(agentId: string, frame: string, nowMs: number, opts?: AddOptions): Promise<EnqueueResult>;
    /** Stores a frame as waiting, publishes it to every instance and counts it, in one step. */
    publish(agentId: string, frame: string, nowMs: number, opts: {
        once: boolean;
        control: boolean;
        sender?: string;
    }): Promise<{
        result: SharedAddResult;
        seq: number;
    }>;
    /** Bytes of waiting frames charged to a client address (its share, src/store/sender-shares.ts). */
    senderBytes(sender: string): Promise<number>;
    private add;
    peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    drain(agentId: string, nowMs: number): Promise<DrainedFrame[]>;
    /** A drain or a peek, with the sequence number it was taken at; `here` records this instance's streams of the agent. */
    take(agentId: string, mode: 'drain' | 'peek', nowMs: number, here?: {
        instance: string;
        draining: number;
    }): Promise<Taken>;
    /** Frames draining streams took live, by agent (messenger-scripts.ts ACK). */
    ack(taken: Map<string, number[]>, nowMs: number): Promise<void>;
    /** Records how many draining streams of each agent this instance has (-1: none at all any more). */
    here(instance: string, nowMs: number, counts: Array<[string, number]>): Promise<void>;
    /** Agents with a stream on any instance within the presence window (`redis_agents`). */
    streamingAgents(nowMs: number): Promise<number>;
    queued(agentId: string, nowMs: number): Promise<number>;
    retained(agentId: string, nowMs: number): Promise<number>;
    usage(): Promise<QueueUsage>;
    /** /health: a PING answered in time (opennexus spec §6: 503 when the Redis PING fails). */
    ping(): Promise<boolean>;
    /** The connection belongs to whoever opened it (messenger/redis-backend.ts). */
    close(): Promise<void>;
}
