/**
 * The self-documenting pages (nexus spec §2.9): the pairing skill for one code, the "no longer
 * valid" page, and the general skill at `/`. Markdown for agents, HTML for browsers.
 * Every value is HTML-escaped before it reaches the markdown, the greeting (written by the
 * other side) is rendered on its own by safe-markdown.ts and quoted, and the HTML page runs
 * under a Content-Security-Policy that allows nothing but its own style and script (by hash).
 */
import { sha256Text } from '../../opennexus/core/crypto.ts';
import pairingTemplate from '../../../templates/pairing-skill.md';
import invalidTemplate from '../../../templates/pairing-invalid.md';
import humanTemplate from '../../../templates/pairing-human.md';
import skillTemplate from '../../../templates/general-skill.md';
import pageTemplate from '../../../templates/page.html';
import { escapeHtml, renderTemplate, stripFrontMatter, stripOpenclawOnly, type TemplateVars } from '../../templates/render.ts';
import type { HttpResponse } from '../../http/types.ts';
import type { PageFormat } from './negotiate.ts';
import { normalizeUntrusted, quoteUntrusted, renderGreetingHtml, renderPageMarkdown } from './safe-markdown.ts';
import { iso } from './views.ts';

/** CSP source for the one inline `<tag>` block of page.html (its text is never templated). */
function inlineHash(tag: 'style' | 'script'): string {
  const open = `<${tag}>`;
  const start = pageTemplate.indexOf(open);
  const end = pageTemplate.indexOf(`</${tag}>`, start);
  if (start < 0 || end < 0 || pageTemplate.indexOf(open, end) >= 0) throw new Error(`page.html must have exactly one inline <${tag}>`);
  return `'sha256-${sha256Text(pageTemplate.slice(start + open.length, end), 'base64')}'`;
}

const LOCKED = "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Nothing loads, nothing runs, but the page's own style and script. */
export const PAGE_CSP = `default-src 'none'; style-src ${inlineHash('style')}; script-src ${inlineHash('script')}; ${LOCKED}; require-trusted-types-for 'script'`;
/** Markdown is never a document: should a browser render it anyway, it runs sandboxed. */
const MARKDOWN_CSP = `default-src 'none'; ${LOCKED}; sandbox`;
const COMMON_HEADERS = { 'cache-control': 'no-store', vary: 'Accept', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY' };

/** Text from the other side, shown quoted under the template variable `name`. */
interface Quoted {
  name: string;
  text: string;
}

/** Values sit inside one line of the template: no line breaks, no bidi or control characters. */
function oneLine(vars: TemplateVars): TemplateVars {
  const out: TemplateVars = {};
  for (const [k, v] of Object.entries(vars)) out[k] = typeof v === 'string' ? normalizeUntrusted(v).replace(/\n/g, ' ') : v;
  return out;
}

function escapeAll(vars: TemplateVars): TemplateVars {
  const out: TemplateVars = {};
  for (const [k, v] of Object.entries(oneLine(vars))) out[k] = typeof v === 'string' ? escapeHtml(v) : v;
  return out;
}

/**
 * Renders the markdown template as markdown for agents, or as the HTML page. `human`: a
 * template for the person who opened the page in a browser, shown on top of the HTML page only
 * (the agent's markdown stays as it is). The template's `asMarkdown` blocks are the markdown's only.
 */
function page(template: string, vars: TemplateVars, shell: TemplateVars, status: number, format: PageFormat, quoted?: Quoted, human?: string): HttpResponse {
  if (format === 'md') {
    const line = oneLine({ ...vars, asMarkdown: true });
    const body = renderTemplate(template, quoted ? { ...line, [quoted.name]: quoteUntrusted(quoted.text) } : line);
    return { status, headers: { ...COMMON_HEADERS, 'content-type': 'text/markdown; charset=utf-8', 'content-security-policy': MARKDOWN_CSP }, body };
  }
  const safe = escapeAll(vars);
  if (quoted) safe[quoted.name] = `<!--slot:${quoted.name}-->`;
  const markdown = stripFrontMatter(renderTemplate(template, safe));
  const body = renderPageMarkdown(markdown, quoted ? { [quoted.name]: renderGreetingHtml(quoted.text) } : {});
  const top = human ? renderPageMarkdown(renderTemplate(human, { ...safe, ...escapeAll(shell) }), {}) : undefined;
  return {
    status,
    headers: { ...COMMON_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': PAGE_CSP },
    body: renderTemplate(pageTemplate, { ...escapeAll(shell), body, human: top }),
  };
}

export interface PairingPageInput {
  code: string;
  state: 'pending' | 'claimed' | 'expired' | 'full';
  expiresAt: number;
  now: number;
  greeting: string | null;
  baseUrl: string;
  sessionTtl: number;
  pairTtl: number;
  /** docs/spec/nexus-e2e.md §9: the page says the session is end-to-end and how to claim it with the key. */
  e2e?: boolean;
}

export function pairingPage(p: PairingPageInput, format: PageFormat): HttpResponse {
  const vars = { code: p.code, baseUrl: p.baseUrl, pairTtlMinutes: Math.round(p.pairTtl / 60) };
  if (p.state !== 'pending') {
    const reason = p.state === 'claimed' ? 'has already been used' : p.state === 'full' ? 'belongs to a session that is already full: no one else can join it' : 'has expired';
    return page(invalidTemplate, { ...vars, reason }, { title: 'Pairing link no longer valid' }, p.state === 'full' ? 409 : 410, format);
  }
  return page(
    pairingTemplate,
    {
      ...vars,
      codeLower: p.code.toLowerCase(),
      state: p.state,
      expiresAt: iso(p.expiresAt),
      minutesLeft: Math.max(0, Math.ceil((p.expiresAt - p.now) / 60_000)),
      ttlMinutes: Math.round(p.sessionTtl / 60),
      greeting: Boolean(p.greeting),
      e2e: p.e2e === true,
      plain: p.e2e !== true,
    },
    {
      title: `NexusMessaging invitation ${p.code}`,
      code: p.code,
      expiresAt: iso(p.expiresAt),
      expiryText: `Expires ${iso(p.expiresAt)}`,
      pageUrl: `${p.baseUrl}/p/${p.code}`,
      e2e: p.e2e === true,
      // e2e spec §9: a code alone cannot claim an E2E session (the key is in the link's fragment).
      plainCode: p.e2e !== true,
    },
    200,
    format,
    p.greeting ? { name: 'greetingQuoted', text: p.greeting } : undefined,
    humanTemplate,
  );
}

/** `code` is whatever the URL said: shown only as code characters, so a crafted link cannot write the page. */
export function unknownCodePage(code: string, baseUrl: string, pairTtl: number, format: PageFormat): HttpResponse {
  const shown = code.slice(0, 40).replace(/[^A-Za-z0-9-]/g, '?');
  return page(invalidTemplate, { code: shown, baseUrl, reason: 'does not exist', pairTtlMinutes: Math.round(pairTtl / 60) }, { title: 'Unknown pairing code' }, 404, format);
}

/** The general skill served at `/`: the template without host-specific blocks. */
export function skillPage(vars: { baseUrl: string; ttlMinutes: number; rateLimit: number }, format: PageFormat): HttpResponse {
  return page(stripOpenclawOnly(skillTemplate), vars, { title: 'NexusMessaging' }, 200, format);
}
