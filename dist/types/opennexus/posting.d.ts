/**
 * Posting what the outbox sealed (core/outbox.ts), for `send` and `stream` alike: each message
 * in order; after a failure on the way, the rest for that peer are not tried (they go back to
 * the queue in order, to be sealed anew); a refusal (400/413) takes that message out of the
 * outbox and reports it. One cache update then records every outcome.
 */
import { type OutboxEntry } from './core/outbox.js';
import type { OutboundMessage } from './core/wire.js';
import type { Link } from './link.js';
export interface Post {
    url: string;
    message: OutboundMessage;
}
export interface Posted {
    /** One per message, in order: its verdict and, unless ok, why. */
    results: Array<{
        post: Post;
        verdict: 'ok' | 'retry' | 'refused' | 'not_tried';
        error: string;
    }>;
    /** Outbox messages the messenger refused, with their text: the caller reports them. */
    refused: Array<{
        entry: OutboxEntry;
        error: string;
    }>;
    /** The outcomes could not be saved (lock or disk): messages stay `posting` until reclaimed. */
    recordError?: string;
}
export declare function postSealed(link: Link, posts: Post[], signal?: AbortSignal): Promise<Posted>;
