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

const LINK = /^(https?:\/\/[^\s?#]+?)\/(?:p\/([^/?#\s]+)|v1\/pair\/([^/?#\s]+)(?:\/(?:skill|claim|status))?)\/?(?:[?#]\S*)?$/i;

/**
 * A link or code as pasted from a chat: without what may wrap it (<...>, quotes, brackets) or
 * end the sentence it was in (".", ",", "!"...). Codes and links never end in those.
 */
export function unwrapPasted(text: string): string {
  return text.trim().replace(/^[<(\['"‹«“]+/, '').replace(/[>)\]'"›»”.,;:!?]+$/, '');
}

/**
 * e2e spec §2: a link whose `#` was percent-encoded on the way (`%23k=`) is read with its `#`
 * (a code never holds `%23`), so the key is found and the code is the code.
 */
function withHash(text: string): string {
  const t = unwrapPasted(text);
  return t.includes('#') ? t : t.replace(/%23/i, '#');
}

/** The link's server and code; null when `text` is not a pairing link (a bare code, say). */
export function parsePairingLink(text: string): PairingLink | null {
  const m = LINK.exec(withHash(text).slice(0, 2048));
  if (!m) return null;
  let raw: string;
  try {
    raw = decodeURIComponent(m[2] ?? m[3]!);
  } catch {
    return null;
  }
  let server: URL;
  try {
    server = new URL(m[1]!);
  } catch {
    return null;
  }
  // The server's own rule (server/pair-code.ts normalizePairCode), not imported: the client bundle stays small.
  const code = raw.trim().toUpperCase();
  return { server: `${server.origin}${server.pathname.replace(/\/+$/, '')}`, code };
}

/**
 * The end-to-end key a link carries in its fragment (docs/spec/nexus-e2e.md §2): `#k=KEY` (or a
 * bare `#KEY`), the whole fragment: `#k=KEY&more` is not a key. undefined: the link has no
 * fragment key; the text as found otherwise (the caller checks it is a key, exactly 43 characters).
 */
export function linkSecret(text: string): string | undefined {
  const t = withHash(text);
  const hash = t.indexOf('#');
  if (hash < 0) return undefined;
  const frag = t.slice(hash + 1);
  const named = /^k=(.*)$/s.exec(frag);
  if (named) return named[1]!;
  return frag.length ? frag : undefined;
}

/** The link with its fragment key (e2e spec §2): what the human passes on, whole. */
export function linkWithSecret(url: string, secret: string): string {
  return `${url.replace(/#.*$/, '')}#k=${secret}`;
}
