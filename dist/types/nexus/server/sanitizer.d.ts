import { type Hit } from './secret-scanners.js';
/**
 * Longest string the sanitizer accepts: the server's body limit, so no request can reach it
 * today. It bounds the work of any other caller; a longer string is refused (413), never
 * stored or passed on unsanitized.
 */
export declare const MAX_SANITIZE_CHARS: number;
export interface SecretRule {
    /** The `[REDACTED:type]` name (the generic rule picks one of `api_key|secret|token`). */
    name: string;
    /** False only when no match is possible (a literal every match contains is absent). */
    precheck: (text: string) => boolean;
    /** Spans to redact, in order and non-overlapping, with the type of each. */
    find: (text: string) => Array<Hit & {
        type: string;
    }>;
}
export declare const SECRET_RULES: readonly SecretRule[];
export interface Sanitized {
    text: string;
    redactions: Record<string, number>;
}
export declare function sanitizeText(input: string, counts?: Record<string, number>): Sanitized;
/** Sanitizes every string inside a JSON value (keys are kept). */
export declare function sanitizeJson(value: unknown, counts?: Record<string, number>): unknown;
export declare const SANITIZER_TYPES: string[];
