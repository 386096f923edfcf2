/**
 * One open SSE stream of an agent (opennexus spec §6.2), with a byte budget for what it has not
 * sent yet. A write never blocks, so a client that stops reading would otherwise make the
 * messenger keep every frame for it. The Go reference gives each subscriber a channel of 10
 * messages and drops the rest (opennexus spec §6.1); we hand frames to the socket only while it holds
 * less than SOCKET_WATER, keep the rest here, and close the stream once the two together
 * would pass the budget. Closing loses nothing that dropping would: the client reconnects and
 * gets what the store kept (offline-queue.ts), and a frame this stream refused is queued unless
 * another draining stream of the agent took it (hub.ts).
 */
import type { StreamFlow, StreamWrite } from '../../http/types.js';
import type { DrainedFrame } from '../../store/messenger-store.js';
/**
 * Frames go to the socket only while it holds less than this. It is at least node's
 * highWaterMark (16 KiB on Node 20, 64 KiB later), so by the time we stop, a write has
 * reported a full buffer and 'drain' will follow.
 */
export declare const SOCKET_WATER: number;
/**
 * Put before a frame that some stream of the agent was given before (a replay), inside the
 * same event: an SSE comment line, which the reference client and other line readers skip
 * (opennexus spec §4.3), so only a client that looks for it learns that a failure to open the frame
 * (no session any more, a counter already seen) is about old traffic and needs no reset.
 */
export declare const REPLAY_MARK = ": replay\n";
export interface StreamIo {
    write: StreamWrite;
    end: () => void;
    flow?: StreamFlow;
}
export declare class Subscriber {
    private readonly io;
    private readonly budget;
    readonly drains: boolean;
    private items;
    private head;
    private ownBytes;
    private holding;
    private closed;
    /**
     * `drains: false` is a watch stream (`?drain=0`): our client opens one during `send` to catch
     * a HELLO_ACK or a reset and ignores everything else, so a message it gets must still be
     * queued for the agent's real stream.
     */
    constructor(io: StreamIo, budget: number, drains?: boolean);
    /**
     * Takes a frame for this stream. Returns false (and closes the stream) when it would pass the
     * budget, or when the stream is closed: the frame did not reach this client.
     */
    send(frame: string, bytes?: number): boolean;
    /** Holds live frames back until release() writes the backlog first (order as sent). */
    hold(): void;
    /**
     * Writes the backlog, then the live frames held meanwhile. `skipLive`: the first held frames
     * that the backlog already has (a shared store's drain can overlap live delivery; the relay
     * knows which by sequence number, src/redis/messenger-relay.ts).
     */
    release(backlog: DrainedFrame[], skipLive?: number): void;
    /** A keepalive comment (opennexus spec §6.2) when idle; a stream with frames waiting is not idle. */
    keepalive(): void;
    /** Bytes this stream holds in memory: frames not yet written plus what the socket still has. */
    bufferedBytes(): number;
    get isClosed(): boolean;
    /** Ends the stream; frames not yet written are dropped here (the store kept them). */
    close(): void;
    private socketBytes;
    private pump;
}
