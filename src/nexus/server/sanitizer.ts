/**
 * The secret sanitizer (nexus spec §2.7): always on, runs before storage, replaces each detected
 * secret with `[REDACTED:type]`. Specific shapes run first, generic `label = value` rules last;
 * labels and surrounding words are kept, only the secret value goes. Best effort by nature.
 *
 * Every rule runs in linear time, because one message must never stall the event loop: a regex
 * is kept only where no match attempt can rescan a run an earlier attempt already read (its
 * runs are bounded, or end at a character its prefix needs, or a match consumes them); the
 * three shapes that cannot be written so are scanned by hand (secret-scanners.ts). Each rule
 * first checks for a literal every match must contain, so an ordinary message costs a handful
 * of string searches.
 */
import { apiError } from './rules.ts';
import { findJwts, findPrivateKeys, findUrlCredentials, type Hit } from './secret-scanners.ts';

/**
 * Longest string the sanitizer accepts: the server's body limit, so no request can reach it
 * today. It bounds the work of any other caller; a longer string is refused (413), never
 * stored or passed on unsanitized.
 */
export const MAX_SANITIZE_CHARS = 256 * 1024;

export interface SecretRule {
  /** The `[REDACTED:type]` name (the generic rule picks one of `api_key|secret|token`). */
  name: string;
  /** False only when no match is possible (a literal every match contains is absent). */
  precheck: (text: string) => boolean;
  /** Spans to redact, in order and non-overlapping, with the type of each. */
  find: (text: string) => Array<Hit & { type: string }>;
}

const mixed = (s: string) => /[A-Za-z]/.test(s) && /\d/.test(s);
const has = (...needles: string[]) => (text: string) => needles.some((n) => text.includes(n));
const hasRe = (re: RegExp) => (text: string) => re.test(text);

interface RegexSpec {
  type: string | ((label: string) => string);
  /** Global. With `label`, group 1 is a label that is kept and the rest of the match is the secret. */
  re: RegExp;
  label?: boolean;
  /** Extra check on the secret (e.g. looks random enough); a refused match stays as written. */
  accept?: (secret: string) => boolean;
}

function regexRule(name: string, precheck: SecretRule['precheck'], spec: RegexSpec): SecretRule {
  const find = (text: string) => {
    const hits: Array<Hit & { type: string }> = [];
    const re = spec.re;
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const keep = spec.label ? (m[1] ?? '').length : 0;
      if (spec.accept && !spec.accept(m[0].slice(keep))) continue;
      const type = typeof spec.type === 'string' ? spec.type : spec.type(m[1] ?? '');
      hits.push({ start: m.index + keep, end: m.index + m[0].length, type });
    }
    return hits;
  };
  return { name, precheck, find };
}

function scannerRule(name: string, precheck: SecretRule['precheck'], scan: (text: string) => Hit[]): SecretRule {
  return { name, precheck, find: (text) => scan(text).map((h) => ({ ...h, type: name })) };
}

const re = (type: string, r: RegExp, extra: Omit<RegexSpec, 'type' | 're'> = {}): RegexSpec => ({ type, re: r, ...extra });

export const SECRET_RULES: readonly SecretRule[] = [
  scannerRule('private_key', has('PRIVATE KEY'), findPrivateKeys),
  regexRule('aws_access_key', hasRe(/A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)/), re('aws_access_key', /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g)),
  regexRule('aws_secret_key', hasRe(/aws_secret/i), re('aws_secret_key', /(\baws_secret(?:_access)?_key\b["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi, { label: true })),
  regexRule('github_token', has('_'), re('github_token', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g)),
  regexRule('gitlab_token', has('glpat-'), re('gitlab_token', /\bglpat-[A-Za-z0-9_-]{20,}/g)),
  regexRule('slack_webhook', has('https://hooks.slack.com/services/'), re('slack_webhook', /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{10,}/g)),
  regexRule('slack_token', has('xox'), re('slack_token', /\bxox[abprse]-[A-Za-z0-9-]{10,}/g)),
  regexRule('anthropic_key', has('sk-ant-'), re('anthropic_key', /\bsk-ant-[A-Za-z0-9_-]{20,}/g)),
  regexRule('openai_key', has('sk-'), re('openai_key', /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, { accept: mixed })),
  regexRule('google_api_key', has('AIza'), re('google_api_key', /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g)),
  regexRule('stripe_key', has('_live_', '_test_'), re('stripe_key', /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g)),
  regexRule('npm_token', has('npm_'), re('npm_token', /\bnpm_[A-Za-z0-9]{36}\b/g)),
  regexRule('huggingface_token', has('hf_'), re('huggingface_token', /\bhf_[A-Za-z0-9]{30,}\b/g)),
  regexRule('sendgrid_key', has('SG.'), re('sendgrid_key', /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g)),
  regexRule('telegram_bot_token', has(':'), re('telegram_bot_token', /\b\d{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g)),
  regexRule('discord_token', has('.'), re('discord_token', /\b[MNO][A-Za-z\d]{23,25}\.[\w-]{6}\.[\w-]{27,38}\b/g)),
  scannerRule('jwt', has('eyJ'), findJwts),
  regexRule('bearer_token', has('Bearer'), re('bearer_token', /(\bBearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/g, { label: true })),
  scannerRule('url_credentials', has('://'), findUrlCredentials),
  regexRule('password', hasRe(/pass|pwd/i), re('password', /(["']?\b(?:password|passwd|pwd)\b["']?\s*[:=]\s*["']?)([^\s"',;}]{4,})/gi, { label: true })),
  regexRule('api_key|secret|token', hasRe(/key|secret|token/i), {
    type: (label) => {
      const l = label.toLowerCase();
      if (/api[_-]?key|apikey/.test(l)) return 'api_key';
      if (/secret/.test(l)) return 'secret';
      return 'token';
    },
    re: /(["']?\b(?:api[_-]?key|apikey|client[_-]?secret|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|refresh[_-]?token|token)\b["']?\s*[:=]\s*["']?)([A-Za-z0-9_\-./+=]{12,})/gi,
    label: true,
    accept: mixed,
  }),
];

export interface Sanitized {
  text: string;
  redactions: Record<string, number>;
}

const AWS_PREFIX = /A(?:KIA|SIA|GPA|IDA|ROA|NPA|NVA|IPA)/;
const UNDERSCORED = /gh[pousr]_|github_pat_|_(?:live|test)_|npm_|hf_/;
const DASHED = /glpat-|xox[abprse]-|sk-/;
const COLON = /:\/\/|\d{8}:/;
/** A label the generic, password and aws_secret rules take, then what must follow it. */
const LABELLED = /(?:passw(?:or)?d|pwd|key|secret|token)["']?\s*[:=]/i;
/** `\.[\w-]{6}\.`, the middle of a Discord token, found from each dot (a regex is 2x slower here). */
function dotted(text: string): boolean {
  for (let i = text.indexOf('.'); i >= 0 && i + 7 < text.length; i = text.indexOf('.', i + 1)) {
    if (text.charCodeAt(i + 7) !== 46) continue;
    let k = i + 1;
    for (; k < i + 7; k++) {
      const c = text.charCodeAt(k);
      if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45)) break;
    }
    if (k === i + 7) return true;
  }
  return false;
}

/**
 * text.includes(literal), searched from its character at `pivot`, a rare one in prose: a
 * literal that starts with a common letter (`eyJ`) costs includes() ~1 µs on 700 characters.
 */
function hasAround(text: string, literal: string, pivot: number): boolean {
  const c = literal[pivot]!;
  for (let i = text.indexOf(c, pivot); i >= 0; i = text.indexOf(c, i + 1)) if (text.startsWith(literal, i - pivot)) return true;
  return false;
}

/** Whether an `A` is followed by a capital letter (every AWS key prefix is). */
function capitalAfterA(text: string): boolean {
  for (let i = text.indexOf('A'); i >= 0; i = text.indexOf('A', i + 1)) {
    const c = text.charCodeAt(i + 1);
    if (c >= 65 && c <= 90) return true;
  }
  return false;
}

/**
 * False only when no rule can match: every match of every rule contains one of these (a
 * literal, or a short pattern cheaper than the rule's own): `PRIVATE KEY`, an AWS key prefix,
 * `aws_secret..._key`/`password`/a generic label followed by `:` or `=`, `gh?_`,
 * `github_pat_`, `glpat-`, `://` (slack webhook, URL credentials), `xox?-`, `sk-`, `AIza`,
 * `_live_`/`_test_`, `npm_`, `hf_`, `SG.`, 8 digits and `:`, `.` six characters `.` (Discord),
 * `eyJ`, `Bearer` and a space. Rules see the text left by the rules before them, so with no
 * first match there is none later either. An ordinary message costs this scan, ~1 µs for
 * 700 characters, instead of every rule's (~3 µs); a test checks both give the same.
 */
export function mayHoldSecret(text: string): boolean {
  if (text.includes('PRIVATE KEY') || hasAround(text, 'eyJ', 2) || hasAround(text, 'AIza', 2) || text.includes('Bearer') || text.includes('SG.')) return true;
  if (capitalAfterA(text) && AWS_PREFIX.test(text)) return true;
  if (text.includes('_') && UNDERSCORED.test(text)) return true;
  if (text.includes('-') && DASHED.test(text)) return true;
  const colon = text.includes(':');
  if (colon && COLON.test(text)) return true;
  if ((colon || text.includes('=')) && LABELLED.test(text)) return true;
  return dotted(text);
}

export function sanitizeText(input: string, counts: Record<string, number> = {}): Sanitized {
  if (input.length > MAX_SANITIZE_CHARS) {
    throw apiError(413, 'payload_too_large', `a string of more than ${MAX_SANITIZE_CHARS} characters cannot be checked for secrets`);
  }
  if (!mayHoldSecret(input)) return { text: input, redactions: counts };
  return sanitizeEveryRule(input, counts);
}

/** Every rule in turn, without the first look (sanitizeText; tests compare the two). */
export function sanitizeEveryRule(input: string, counts: Record<string, number> = {}): Sanitized {
  let text = input;
  for (const rule of SECRET_RULES) {
    if (!rule.precheck(text)) continue;
    const hits = rule.find(text);
    if (hits.length === 0) continue;
    let out = '';
    let at = 0;
    for (const h of hits) {
      out += `${text.slice(at, h.start)}[REDACTED:${h.type}]`;
      at = h.end;
      counts[h.type] = (counts[h.type] ?? 0) + 1;
    }
    text = out + text.slice(at);
  }
  return { text, redactions: counts };
}

/** Sanitizes every string inside a JSON value (keys are kept). */
export function sanitizeJson(value: unknown, counts: Record<string, number> = {}): unknown {
  if (typeof value === 'string') return sanitizeText(value, counts).text;
  if (Array.isArray(value)) return value.map((v) => sanitizeJson(v, counts));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeJson(v, counts)]));
  }
  return value;
}

export const SANITIZER_TYPES = SECRET_RULES.map((r) => r.name);
