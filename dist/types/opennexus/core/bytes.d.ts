export declare const te: import("../../node-types.js").TextEncoder;
export declare function utf8(s: string): Uint8Array;
/** Decodes UTF-8, returning null for invalid bytes (the caller decides how to show them). */
export declare function fromUtf8(b: Uint8Array): string | null;
/** Standard RFC 4648 base64 with `=` padding (opennexus spec §1.1: never URL-safe). */
export declare function b64(b: Uint8Array): string;
/**
 * Decodes canonical padded standard base64 and checks the length. Stricter than the
 * reference's lenient decoder on purpose: everything the reference emits is canonical, and
 * opennexus spec §1.1 notes that string comparisons (agent ids) only work on the canonical form.
 */
export declare function unb64(s: string, expectedLength?: number, what?: string): Uint8Array;
export declare function hex(b: Uint8Array): string;
export declare function unhex(s: string): Uint8Array;
export declare function concat(...parts: Uint8Array[]): Uint8Array;
/** opennexus spec §2: lp(x) = uint16_be(len(x)) || x; the reference raises above 65535 bytes. */
export declare function lp(x: Uint8Array): Uint8Array;
/** opennexus spec §2: u16(n), 2-byte big-endian; reset reasons must be in 0..65535. */
export declare function u16(n: number): Uint8Array;
export declare const U64_MAX: bigint;
export declare function u64be(n: bigint): Uint8Array;
/** Byte-wise lexicographic comparison (opennexus spec §1.3: how agent ids and ephemerals are ordered). */
export declare function compareBytes(a: Uint8Array, b: Uint8Array): number;
export declare function equalBytes(a: Uint8Array, b: Uint8Array): boolean;
/** Splits a sequence of lp fields; returns null when the bytes are not exactly such a sequence. */
export declare function parseLpSequence(b: Uint8Array): Uint8Array[] | null;
/** Bytes that are not valid UTF-8, shown as the reference shows them: Python's repr of the bytes. */
export declare function pyBytesRepr(b: Uint8Array): string;
