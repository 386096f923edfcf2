/**
 * A small lossless JSON reader. JSON.parse cannot serve the protocol: counters are u64
 * (opennexus spec §11: values above 2^53 lose precision) and the messenger must tell `1` from `1.0`
 * (opennexus spec §6.1: only JSON integers are counters). Numbers therefore come back as JsonNumber
 * holding their source text. Syntax errors use the wording of Go's encoding/json, because the
 * messenger echoes them in `invalid request: <Go error>` (opennexus spec §6.1).
 *
 * Like Go's json.Decoder, only the first value is read; trailing bytes are ignored.
 */
export declare class JsonNumber {
    readonly text: string;
    constructor(text: string);
    get isInteger(): boolean;
    toBigInt(): bigint;
    toNumber(): number;
}
export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | {
    [key: string]: JsonValue;
};
export type JsonObject = {
    [key: string]: JsonValue;
};
export declare class JsonSyntaxError extends Error {
}
/**
 * For text this program wrote itself (the session cache, read on every send): JSON.parse with
 * numbers as JsonNumber, ~10x faster than the reader below, used only when no number can lose
 * precision on the way (no run of 16 digits anywhere in the text; else the exact reader).
 * Not for the wire: it does not tell `1` from `1.0`, nor reproduce Go's error wording.
 */
export declare function parseOwnJson(text: string): JsonValue;
export declare function parseJson(text: string): JsonValue;
/**
 * parseJson, except that an object at the root comes back as a Map of its members (a request
 * decoder walks them once; no dictionary object is built for that). Same errors as parseJson.
 */
export declare function parseJsonRoot(text: string): JsonValue | Map<string, JsonValue>;
export declare function isObject(v: JsonValue | undefined): v is JsonObject;
/**
 * Compact JSON writer that keeps key order and writes bigint as a bare integer, so counters
 * above 2^53 survive the round trip (opennexus spec §11).
 */
export declare function stringifyJson(v: unknown): string;
