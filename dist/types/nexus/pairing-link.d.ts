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
/**
 * The end-to-end key a link carries in its fragment (docs/spec/nexus-e2e.md §2): `#k=KEY` (or a
 * bare `#KEY`), the whole fragment: `#k=KEY&more` is not a key. undefined: the link has no
 * fragment key; the text as found otherwise (the caller checks it is a key, exactly 43 characters).
 */
export declare function linkSecret(text: string): string | undefined;
/** The link with its fragment key (e2e spec §2): what the human passes on, whole. */
export declare function linkWithSecret(url: string, secret: string): string;
