/**
 * Where a relayed frame goes: to the receiver's open streams, or into its offline queue. An
 * interface, so a shared backend can fan out across instances (the Go reference publishes on
 * Redis) while the routes stay the same; LocalRelay is the one-process default.
 */
import type { MessengerStore } from '../../store/messenger-store.js';
import type { Hub } from './hub.js';
export type RelayOutcome = 'delivered' | 'queued' | 'full';
export interface Relay {
    /**
     * `once`: never kept after delivery (a HELLO: a replayed one would replace the receiver's
     * live session, opennexus spec §4.4). Everything else a draining stream took is kept for the
     * grace period, so a stream opened under someone else's id cannot take it from the agent.
     * `control`: a HELLO_ACK or a reset, which a watch stream is also shown while it waits.
     */
    relay(receiver: string, frame: string, now: number, opts: {
        once: boolean;
        control: boolean;
    }): Promise<RelayOutcome>;
}
export declare class LocalRelay implements Relay {
    private readonly hub;
    private readonly store;
    constructor(hub: Hub, store: MessengerStore);
    relay(receiver: string, frame: string, now: number, { once, control }: {
        once: boolean;
        control: boolean;
    }): Promise<RelayOutcome>;
}
