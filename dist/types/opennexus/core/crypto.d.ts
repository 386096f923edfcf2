/**
 * Base-point multiplications (public key, sign, verify) before the table is switched on. Noble's
 * default, a W=6 table of the blinded base point (~2,000 points), is built at the first multiply:
 * several times the cost of the multiply itself, which a CLI that signs once never earns back.
 * W=1 means no table (noble's fixed-window path, still constant-time); after this many
 * operations a long-lived process (the hub, a stream, the plugin) gets the table.
 */
export declare const ED25519_TABLE_AFTER = 16;
/** Whether this process has switched Ed25519's base-point table on (for the tests). */
export declare function ed25519TableOn(): boolean;
export declare function sha256(data: Uint8Array): Uint8Array;
/**
 * SHA-256 of a string's UTF-8 bytes, as lower-case hex (or base64): what the servers keep of a
 * session key (nexus spec §2.1), a long agent id's Redis key, a message's idempotency digest, the
 * pairing page's CSP hash. Uint8Array does the UTF-8 and the hex, Node's fastest path for both.
 */
export declare function sha256Text(text: string, encoding?: 'hex' | 'base64'): string;
/** SHA-1 as hex, only because Redis names a Lua script by it (EVALSHA): no security rests on it. */
export declare function sha1Hex(text: string): string;
export declare function hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array;
/** Ed25519 public key from the 32-byte seed (opennexus spec §1.2: the key file holds the seed). */
export declare function ed25519PublicKey(seed: Uint8Array): Uint8Array;
export declare function ed25519Sign(seed: Uint8Array, message: Uint8Array): Uint8Array;
/**
 * Never throws: a malformed key or signature is simply not valid. RFC 8032 verification
 * (opennexus spec §2: "plain Ed25519 (RFC 8032)"): canonical encodings only, and a small-order
 * public key is refused (noble's zip215: false), not the consensus rules noble defaults to.
 */
export declare function ed25519Verify(signature: Uint8Array, message: Uint8Array, pub: Uint8Array): boolean;
export declare function x25519PublicKey(priv: Uint8Array): Uint8Array;
/** Throws on a low-order peer key (an all-zero shared secret), as the reference's library does. */
export declare function x25519SharedSecret(priv: Uint8Array, peerPublicKey: Uint8Array): Uint8Array;
export declare function hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array;
/** AES-256-GCM; the output is ciphertext || 16-byte tag (opennexus spec §2). */
export declare function aesGcmSeal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
/** Throws when the tag does not verify. */
export declare function aesGcmOpen(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad: Uint8Array): Uint8Array;
/** The platform's CSPRNG (crypto.getRandomValues). */
export declare function randomBytes(n: number): Uint8Array;
/** `n` random bytes as hex (ids, instance tags). */
export declare function randomHex(n: number): string;
