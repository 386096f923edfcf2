/**
 * Posting, in order, what a step produced (sealed outbox messages, HELLOs, HELLO_ACKs, resets),
 * for `send` and `stream` alike. After a DATA fails on the way or is refused, the later ones to
 * that peer are not tried (they go back to the queue in order, to be sealed anew); a refusal
 * (400/413) takes that message out of the outbox and reports it. One cache update then records
 * every DATA outcome (core/outbox.ts afterPosts, which ignores entries changed meanwhile: a
 * reclaimed or requeued entry no longer matches its old session and counter).
 */
import { type PostVerdict } from './core/outbox.js';
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
        verdict: PostVerdict | 'not_tried';
        error: string;
    }>;
    /** Outbox messages the messenger refused, with their text: the caller reports them. */
    refused: Array<{
        id: string;
        to: string;
        text: string;
        error: string;
    }>;
    /** The outcomes could not be saved (lock or disk): messages stay `posting` until reclaimed. */
    recordError?: string;
}
export declare function postInOrder(link: Link, posts: Post[], signal?: AbortSignal): Promise<Posted>;
