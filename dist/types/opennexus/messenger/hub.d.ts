/**
 * Open SSE connections by agent id (spec §6.2): every open stream of an agent gets every
 * message. A subscriber that is still receiving its offline backlog holds live messages back
 * so the agent sees everything in order.
 */
export declare class Subscriber {
    private readonly write;
    private held;
    constructor(write: (frame: string) => boolean);
    send(frame: string): void;
    hold(): void;
    /** Writes the backlog, then whatever arrived meanwhile, then goes live. */
    release(backlog: string[]): void;
}
export declare class Hub {
    private readonly subs;
    add(agentId: string, sub: Subscriber): void;
    remove(agentId: string, sub: Subscriber): void;
    /** Returns how many connections got the frame. */
    deliver(agentId: string, frame: string): number;
    /** Distinct agent ids with at least one open stream (`/info` local_agent_count). */
    get agentCount(): number;
}
