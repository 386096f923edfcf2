/**
 * Open SSE connections by agent id (opennexus spec §6.2): every open stream of an agent gets
 * every message. A subscriber that is still receiving its offline backlog holds live messages
 * back so the agent sees everything in order.
 */
export declare class Subscriber {
    private readonly write;
    readonly drains: boolean;
    private held;
    /**
     * `drains: false` is a watch stream (`?drain=0`): our client opens one during `send` to catch
     * a HELLO_ACK or a reset and ignores everything else, so a message it gets must still be
     * queued for the agent's real stream.
     */
    constructor(write: (frame: string) => boolean, drains?: boolean);
    send(frame: string): void;
    hold(): void;
    /** Writes the backlog, then whatever arrived meanwhile, then goes live. */
    release(backlog: string[]): void;
}
export declare class Hub {
    private readonly subs;
    add(agentId: string, sub: Subscriber): void;
    remove(agentId: string, sub: Subscriber): void;
    /** Sends the frame to every stream of the agent; returns how many of them deliver it (drain). */
    deliver(agentId: string, frame: string): number;
    /** Open streams of one agent (watch streams included). */
    streamCount(agentId: string): number;
    /** Distinct agent ids with at least one open stream (`/info` local_agent_count). */
    get agentCount(): number;
}
