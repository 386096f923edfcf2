export interface Sanitized {
    text: string;
    redactions: Record<string, number>;
}
export declare function sanitizeText(input: string, counts?: Record<string, number>): Sanitized;
/** Sanitizes every string inside a JSON value (keys are kept). */
export declare function sanitizeJson(value: unknown, counts?: Record<string, number>): unknown;
export declare const SANITIZER_TYPES: string[];
