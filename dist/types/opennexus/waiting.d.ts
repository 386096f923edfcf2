/**
 * Waiting with real timers that an AbortSignal cuts short (opennexus spec §10 B6: the
 * reference's HELLO_ACK timeout was not a timer).
 */
import { type Envelope } from './core/wire.js';
import type { SseStream } from './transport.js';
export declare function abortableSleep(ms: number, signal?: AbortSignal): Promise<void>;
/** Reads `stream` until `pred` accepts a message, `ms` pass or `signal` aborts (then null). */
export declare function waitForMessage(stream: SseStream, pred: (e: Envelope) => boolean, ms: number, signal?: AbortSignal): Promise<Envelope | null>;
