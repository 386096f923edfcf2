/**
 * Markdown to HTML for the self-documenting pages (nexus spec §2.9), safe for text nobody
 * vetted: the greeting is written by whoever created the session. marked is configured rather
 * than its output filtered: raw HTML is escaped, a link survives only as http(s) or mailto
 * (checked on the URL a browser would follow, then written out as exactly that URL), an image
 * becomes its alt text. The greeting is also rendered on its own, so nothing in it (headings,
 * reference definitions, a stray `\r`) can reach the page's structure around it.
 */
import { Marked, type RendererObject, type Tokens } from 'marked';
import { escapeHtml } from '../../templates/render.ts';

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:']);
const REFS: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The href a browser would follow for a markdown link destination, if it is http(s) or mailto.
 * Character references are decoded first (`jav&#x61;script:` is `javascript:` to a browser);
 * the WHATWG URL parser then does what the browser does with case, blanks and controls.
 */
export function safeHref(destination: string): string | null {
  const decoded = destination.replace(/&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|(amp|lt|gt|quot|apos));?/g, (m, dec?: string, hex?: string, name?: string) => {
    if (name) return REFS[name] ?? m;
    const cp = dec !== undefined ? Number(dec) : Number.parseInt(hex ?? '', 16);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : '\uFFFD';
  });
  let url: URL;
  try {
    url = new URL(decoded);
  } catch {
    return null;
  }
  return LINK_SCHEMES.has(url.protocol) ? url.href : null;
}

const BIDI_OR_CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text made safe to quote: every line break (`\r\n`, bare `\r`, U+2028/2029, NEL,
 * VT, FF) becomes `\n`, so a quote prefix on each line really covers every line; bidi controls
 * (which could reorder the page as it is read) and other control characters are shown as
 * `[U+202E]` instead of acting.
 */
export function normalizeUntrusted(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085\u000b\u000c]/g, '\n')
    .replace(BIDI_OR_CONTROL, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

/** The greeting as a markdown quote for agents: `> ` on every line, nothing outside it. */
export function quoteUntrusted(text: string): string {
  return normalizeUntrusted(text)
    .split('\n')
    .map((l) => (l ? `> ${l}` : '>'))
    .join('\n');
}

/** Text escaping that keeps character references (they are text, never markup), as marked does. */
const escapeText = (s: string) => s.replace(/[<>"']|&(?!#\d{1,7};|#[xX][0-9a-fA-F]{1,6};|\w+;)/g, (c) => escapeHtml(c));

const inert: RendererObject = {
  html: ({ text }) => escapeHtml(text),
  image: ({ text }) => escapeHtml(text),
  // marked passes text after an inline `<script>`/`<pre>` through raw ("escaped"); we never do,
  // or `x <script> <img/src=x onerror=…>` would be live markup.
  text(token: Tokens.Text | Tokens.Escape) {
    return 'tokens' in token && token.tokens ? this.parser.parseInline(token.tokens) : escapeText(token.text);
  },
  code: ({ text }) => `<pre><code>${escapeHtml(text)}</code></pre>\n`,
  link(token: Tokens.Link) {
    const label = this.parser.parseInline(token.tokens);
    const href = safeHref(token.href);
    return href ? `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${label}</a>` : label;
  },
};

/** A marker the trusted template may place on its own line; replaced by a rendered slot. */
const SLOT = /^<!--slot:(\w+)-->\n*$/;
const pageMarked = new Marked({
  renderer: { ...inert, html: ({ text }) => (SLOT.test(text) ? text.trim() : escapeHtml(text)) },
});

/**
 * Renders a page's markdown. Its values were HTML-escaped before they were put in, so the only
 * `<!--slot:name-->` lines are the template's own; each is replaced by `slots[name]`.
 */
export function renderPageMarkdown(markdown: string, slots: Record<string, string> = {}): string {
  const html = pageMarked.parse(markdown, { async: false });
  return html.replace(/<!--slot:(\w+)-->/g, (_marker, name: string) => slots[name] ?? '');
}

// Inside the greeting a heading is only bold text: it must not look like the page's own steps.
const greetingMarked = new Marked({
  breaks: true,
  renderer: { ...inert, heading({ tokens }) { return `<p><strong>${this.parser.parseInline(tokens)}</strong></p>\n`; } },
});

/**
 * marked's emphasis and nesting rules are quadratic (16,000 characters of `_a` take ~290 ms,
 * 8,000 nested `> ` overflow the stack); 2,000 characters cost at most ~7 ms, and each
 * greeting is rendered once (cached). Longer greetings are shown as plain text.
 */
export const GREETING_MARKDOWN_MAX_CHARS = 2000;
const cache = new Map<string, string>();
const CACHE_ENTRIES = 64;

/** The greeting as an HTML quote block, isolated from the page's text direction. */
export function renderGreetingHtml(greeting: string): string {
  const hit = cache.get(greeting);
  if (hit !== undefined) return hit;
  const text = normalizeUntrusted(greeting);
  let inner: string | null = null;
  if (text.length <= GREETING_MARKDOWN_MAX_CHARS) {
    try {
      inner = greetingMarked.parse(text, { async: false });
    } catch {
      inner = null; // a parser failure costs the formatting, never the page
    }
  }
  inner ??= `<p>${escapeHtml(text).replace(/\n/g, '<br>\n')}</p>\n`;
  const html = `<blockquote class="greeting" dir="auto">\n${inner}</blockquote>\n`;
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(greeting, html);
  return html;
}
