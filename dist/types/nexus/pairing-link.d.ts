/**
 * A pairing link as a human passes it on (nexus spec §2.9): `https://host/p/CODE`, or the long
 * form `https://host/v1/pair/CODE/skill`, possibly under a base path. Its server is where the
 * code lives, so a claim goes there whatever NEXUS_URL says. Pure.
 */
export interface PairingLink {
    /** The server's base URL (scheme, host and any base path), without a trailing slash. */
    server: string;
    code: string;
}
/**
 * A link or code as pasted from a chat: without what may wrap it (<...>, quotes, brackets) or
 * end the sentence it was in (".", ",", "!"...). Codes and links never end in those.
 */
export declare function unwrapPasted(text: string): string;
/** The link's server and code; null when `text` is not a pairing link (a bare code, say). */
export declare function parsePairingLink(text: string): PairingLink | null;
