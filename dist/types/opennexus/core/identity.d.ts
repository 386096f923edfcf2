export interface Identity {
    readonly seed: Uint8Array;
    readonly publicKey: Uint8Array;
    readonly agentId: Uint8Array;
    readonly publicKeyB64: string;
    readonly agentIdB64: string;
}
export declare function agentIdOf(publicKey: Uint8Array): Uint8Array;
export declare function identityFromSeed(seed: Uint8Array): Identity;
/**
 * Parses a key file's text. Surrounding whitespace is tolerated (opennexus spec §1.2: the reference
 * strips on load); the content must be canonical base64 of exactly 32 bytes.
 */
export declare function parseKeyText(text: string, what: 'public key' | 'private key'): Uint8Array;
/**
 * An identity from a key pair already known to belong together (keys.ts checked it once and
 * remembers that): no public-key derivation, whose first base-point multiplication (with its
 * table set-up) is the costliest step of a short `send` that needs no signature.
 */
export declare function identityFromCheckedPair(seed: Uint8Array, publicKey: Uint8Array): Identity;
/** Loads an identity from the two key files' texts and checks that they belong together. */
export declare function identityFromKeyTexts(publicText: string, privateText: string): Identity;
/** Key file content: base64 with no trailing newline (opennexus spec §1.2). */
export declare function keyFileText(bytes: Uint8Array): string;
