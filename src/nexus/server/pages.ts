/**
 * The self-documenting pages (spec §2.9): the pairing skill for one code, the "no longer
 * valid" page, and the general skill at `/`. Markdown for agents, HTML for browsers. Every
 * user-supplied value is HTML-escaped before it reaches HTML; raw HTML inside the markdown is
 * escaped too, so a greeting can never inject markup.
 */
import { Marked } from 'marked';
import pairingTemplate from '../../../templates/pairing-skill.md';
import invalidTemplate from '../../../templates/pairing-invalid.md';
import skillTemplate from '../../../templates/general-skill.md';
import pageTemplate from '../../../templates/page.html';
import { escapeHtml, renderTemplate, stripFrontMatter, stripOpenclawOnly, type TemplateVars } from '../../templates/render.ts';
import type { HttpResponse } from '../../http/types.ts';
import type { PageFormat } from './negotiate.ts';
import { iso } from './sessions.ts';

const marked = new Marked({ renderer: { html: (t) => escapeHtml(t.text) } });

function respond(status: number, format: PageFormat, markdown: string, html: () => string): HttpResponse {
  const common = { 'cache-control': 'no-store', vary: 'Accept' };
  if (format === 'md') return { status, headers: { ...common, 'content-type': 'text/markdown; charset=utf-8' }, body: markdown };
  return { status, headers: { ...common, 'content-type': 'text/html; charset=utf-8' }, body: html() };
}

/** Renders the markdown template twice: raw values for agents, escaped values for HTML. */
function page(template: string, vars: TemplateVars, shell: TemplateVars, status: number, format: PageFormat): HttpResponse {
  const md = renderTemplate(template, vars);
  return respond(status, format, md, () => {
    const safe: TemplateVars = {};
    for (const [k, v] of Object.entries(vars)) safe[k] = typeof v === 'string' ? escapeHtml(v) : v;
    const body = marked.parse(stripFrontMatter(renderTemplate(template, safe)), { async: false });
    const shellSafe: TemplateVars = {};
    for (const [k, v] of Object.entries(shell)) shellSafe[k] = typeof v === 'string' ? escapeHtml(v) : v;
    return renderTemplate(pageTemplate, { ...shellSafe, body });
  });
}

export interface PairingPageInput {
  code: string;
  state: 'pending' | 'claimed' | 'expired';
  expiresAt: number;
  now: number;
  greeting: string | null;
  baseUrl: string;
  sessionTtl: number;
  pairTtl: number;
}

export function pairingPage(p: PairingPageInput, format: PageFormat): HttpResponse {
  const vars = { code: p.code, baseUrl: p.baseUrl, pairTtlMinutes: Math.round(p.pairTtl / 60) };
  if (p.state !== 'pending') {
    const reason = p.state === 'claimed' ? 'has already been used' : 'has expired';
    return page(invalidTemplate, { ...vars, reason }, { title: 'Pairing link no longer valid' }, 410, format);
  }
  const greetingQuoted = p.greeting ? p.greeting.split('\n').map((l) => `> ${l}`).join('\n') : '';
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
      greetingQuoted,
    },
    {
      title: `NexusMessaging invitation ${p.code}`,
      code: p.code,
      expiresAt: iso(p.expiresAt),
      expiryText: `Expires ${iso(p.expiresAt)}`,
      pageUrl: `${p.baseUrl}/p/${p.code}`,
    },
    200,
    format,
  );
}

export function unknownCodePage(code: string, baseUrl: string, pairTtl: number, format: PageFormat): HttpResponse {
  return page(invalidTemplate, { code, baseUrl, reason: 'does not exist', pairTtlMinutes: Math.round(pairTtl / 60) }, { title: 'Unknown pairing code' }, 404, format);
}

/** The general skill served at `/`: the template without host-specific blocks. */
export function skillPage(vars: { baseUrl: string; ttlMinutes: number; rateLimit: number }, format: PageFormat): HttpResponse {
  return page(stripOpenclawOnly(skillTemplate), vars, { title: 'NexusMessaging' }, 200, format);
}
