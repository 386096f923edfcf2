export declare const SECRET_BYTES = 32;
export declare const MSGID_BYTES = 16;
export declare const NONCE_BYTES = 12;
/** e2e spec §3: what the server recognises as a sealed message (it never opens one). */
export declare const ENVELOPE: RegExp;
export type Kind = 'msg' | 'greeting';
/** What a sealed message carries: a text, or a json value (e2e spec §3). */
export type Plain = {
    t: 'text';
    j: string;
} | {
    t: 'json';
    j: unknown;
};
/** Whose message, in which session: bound into the key and the associated data (e2e spec §4). */
export interface Binding {
    kind: Kind;
    /** The session id; "" for the greeting, sealed before the server names the session (e2e spec §5). */
    sessionId: string;
    /** The sender's agent id; "" for the greeting (e2e spec §5). */
    sender: string;
}
export declare const b64u: (b: Uint8Array) => string;
/** The secret as the link's fragment carries it (`#k=<43 base64url characters>`, e2e spec §2). */
export declare function encodeSecret(secret: Uint8Array): string;
/** The secret from its text; null when it is not 32 bytes of canonical base64url. */
export declare function decodeSecret(text: string): Uint8Array | null;
/** e2e spec §4: one AES-256-GCM key per sender (and one for the greeting). */
export declare function messageKey(secret: Uint8Array, b: Binding): Uint8Array;
/** e2e spec §4: the associated data, NUL-separated (no field can hold a NUL). */
export declare function associatedData(b: Binding, msgid: string): Uint8Array;
export interface Fresh {
    msgid: Uint8Array;
    nonce: Uint8Array;
}
/** Seals one message into its envelope text. */
export declare function seal(secret: Uint8Array, b: Binding, m: Plain, fresh: Fresh): string;
/**
 * e2e spec §6: when a retry must post the same envelope (an idempotency key), its msgid and
 * nonce come from the secret, the sender, the key and the plaintext: the same message gives the
 * same envelope, another message another nonce (a nonce is never reused with other content).
 */
export declare function idempotentFresh(secret: Uint8Array, b: Binding, idempotencyKey: string, m: Plain): Fresh;
export type Opened = {
    ok: true;
    msgid: string;
    message: Plain;
} | {
    ok: false;
    reason: string;
};
/** The msgid of an envelope (unauthenticated until it opens), or null. */
export declare function envelopeId(text: unknown): string | null;
/** Opens an envelope; never throws for what the envelope holds (a failure says why, and nothing of its content); a secret that is not 32 bytes throws. */
export declare function open(secret: Uint8Array, b: Binding, text: unknown): Opened;
/**
 * e2e spec §7: the safety code both humans compare: HKDF-SHA256 over the secret, salted with
 * the session id, with the sorted member ids in the info; the first 8 bytes as a big-endian
 * integer modulo 10^12, as 12 digits in 3 groups of 4.
 */
export declare function safetyCode(secret: Uint8Array, sessionId: string, members: string[]): string;
export declare const e2eSeal: typeof seal;
export declare const e2eOpen: typeof open;
export declare const encodeE2eSecret: typeof encodeSecret;
export declare const decodeE2eSecret: typeof decodeSecret;
export type E2eBinding = Binding;
export type E2ePlain = Plain;
export type E2eOpened = Opened;
