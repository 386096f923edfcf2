import type { Hub, Subscriber } from '../opennexus/messenger/hub.js';
import type { Relay, RelayOptions, RelayOutcome } from '../opennexus/messenger/relay.js';
import { type RedisMessengerStore } from './messenger-store.js';
/** What the relay needs of the store (RedisMessengerStore; a fake in tests). */
export type SharedQueue = Pick<RedisMessengerStore, 'publish' | 'take' | 'ack' | 'here' | 'streamingAgents'>;
/** What it needs of the connection (RedisConn). */
export interface FrameBus {
    readonly ready: boolean;
    subscribe(channel: string, onMessage: (message: string) => void, onReconnect?: () => void): Promise<void>;
}
export interface RedisRelayOptions {
    now?: () => number;
    log?: (line: string) => void;
    /** Unique per process; names this instance's presence entries. */
    instance?: string;
}
export declare class RedisRelay implements Relay {
    private readonly hub;
    private readonly queue;
    private readonly bus;
    private readonly states;
    private acks;
    private dirty;
    private flushing;
    private scheduled;
    private timer;
    private lastError;
    private closed;
    private readonly now;
    private readonly log;
    readonly instance: string;
    constructor(hub: Hub, queue: SharedQueue, bus: FrameBus, opts?: RedisRelayOptions);
    start(): Promise<void>;
    relay(receiver: string, frame: string, now: number, opts: RelayOptions): Promise<RelayOutcome>;
    admit(): void;
    attach(agent: string, sub: Subscriber, now: number): void;
    detach(agent: string, sub: Subscriber): void;
    streamingAgents(now: number): Promise<number>;
    close(): Promise<void>;
    /** "<seq> <agent length>\n<agent><frame>" (messenger-scripts.ts ADD). */
    private onFrame;
    /** Frames published while the subscription was down never reached this instance. */
    private resync;
    private draining;
    private ack;
    /** Acknowledgements and presence changes go out together, once per turn of the event loop. */
    private schedule;
    private flush;
    private report;
}
