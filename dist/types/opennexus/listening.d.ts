import { type InboundEvent } from './core/inbound.js';
import { type Link } from './link.js';
export type ClientEvent = InboundEvent | {
    type: 'connected';
    url: string;
} | {
    type: 'connection_lost';
    error: string;
    retryInMs: number;
} | {
    type: 'send_failed';
    to: string;
    what: string;
    error: string;
}
/** A message that could not be processed (the cache stayed locked): never dropped silently. */
 | {
    type: 'not_processed';
    id?: string;
    from?: string;
    what: string;
    error: string;
};
export type OnEvent = (e: ClientEvent) => void | Promise<void>;
export interface ListenTiming {
    /** How long one wait for the session cache lock may take (a message gets 4 tries). */
    lockTimeoutMs: number;
}
export declare function listen(link: Link, onEvent: OnEvent, timing: ListenTiming, opts?: {
    signal?: AbortSignal;
}): Promise<void>;
