/**
 * Open SSE connections by agent id (opennexus spec §6.2): every open stream of an agent gets
 * every message. Each stream has a byte budget for unsent data (subscriber.ts).
 */
import { Subscriber } from './subscriber.js';
export { Subscriber } from './subscriber.js';
export declare class Hub {
    private readonly subs;
    add(agentId: string, sub: Subscriber): void;
    remove(agentId: string, sub: Subscriber): void;
    /**
     * Sends the frame to every stream of the agent; returns how many draining streams took it.
     * A stream over its budget is closed and does not count, so with no other taker the message
     * is queued for the agent's next stream.
     */
    deliver(agentId: string, frame: string): number;
    /** Open streams of one agent (watch streams included). */
    streamCount(agentId: string): number;
    /** The agent's open streams (a copy: delivering may close some). */
    streamsOf(agentId: string): Subscriber[];
    /** Agent ids with at least one open stream here. */
    agentIds(): string[];
    /** Distinct agent ids with at least one open stream (`/info` local_agent_count). */
    get agentCount(): number;
    /** Bytes all open streams hold for their clients: unsent frames and socket buffers. */
    bufferedBytes(): number;
    /** The largest such amount held by one stream. */
    maxStreamBytes(): number;
}
