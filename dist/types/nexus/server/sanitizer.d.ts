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
/**
 * False only when no rule can match: every match of every rule contains one of these (a
 * literal, or a short pattern cheaper than the rule's own): `PRIVATE KEY`, an AWS key prefix,
 * `aws_secret..._key`/`password`/a generic label followed by `:` or `=`, `gh?_`,
 * `github_pat_`, `glpat-`, `://` (slack webhook, URL credentials), `xox?-`, `sk-`, `AIza`,
 * `_live_`/`_test_`, `npm_`, `hf_`, `SG.`, 8 digits and `:`, `.` six characters `.` (Discord),
 * `eyJ`, `Bearer` and a space. Rules see the text left by the rules before them, so with no
 * first match there is none later either. An ordinary message costs this scan, ~1 µs for
 * 700 characters, instead of every rule's (~3 µs); a test checks both give the same.
 */
export declare function mayHoldSecret(text: string): boolean;
export declare function sanitizeText(input: string, counts?: Record<string, number>): Sanitized;
/** Every rule in turn, without the first look (sanitizeText; tests compare the two). */
export declare function sanitizeEveryRule(input: string, counts?: Record<string, number>): Sanitized;
/** Sanitizes every string inside a JSON value (keys are kept). */
export declare function sanitizeJson(value: unknown, counts?: Record<string, number>): unknown;
export declare const SANITIZER_TYPES: string[];
