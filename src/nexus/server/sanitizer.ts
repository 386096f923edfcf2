/**
 * The secret sanitizer (spec §2.7): always on, runs before storage, replaces each detected
 * secret with `[REDACTED:type]`. Specific shapes run first, generic `label = value` rules last;
 * labels and surrounding words are kept, only the secret value goes. Best effort by nature.
 */
type Rule = {
  type: string | ((m: string[]) => string);
  re: RegExp;
  /** Index of the capture group holding the secret; 0 = the whole match. */
  group?: number;
  /** Extra check on the secret (e.g. looks random enough). */
  accept?: (secret: string) => boolean;
};

const mixed = (s: string) => /[A-Za-z]/.test(s) && /\d/.test(s);

const RULES: Rule[] = [
  { type: 'private_key', re: /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----/g },
  { type: 'aws_access_key', re: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g },
  { type: 'aws_secret_key', re: /(\baws_secret(?:_access)?_key\b["']?\s*[:=]\s*["']?)([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi, group: 2 },
  { type: 'github_token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { type: 'gitlab_token', re: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  { type: 'slack_webhook', re: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{10,}/g },
  { type: 'slack_token', re: /\bxox[abprse]-[A-Za-z0-9-]{10,}/g },
  { type: 'anthropic_key', re: /\bsk-ant-[A-Za-z0-9_-]{20,}/g },
  { type: 'openai_key', re: /\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g, accept: mixed },
  { type: 'google_api_key', re: /\bAIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])/g },
  { type: 'stripe_key', re: /\b(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g },
  { type: 'npm_token', re: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { type: 'huggingface_token', re: /\bhf_[A-Za-z0-9]{30,}\b/g },
  { type: 'sendgrid_key', re: /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/g },
  { type: 'telegram_bot_token', re: /\b\d{8,10}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  { type: 'discord_token', re: /\b[MNO][A-Za-z\d]{23,25}\.[\w-]{6}\.[\w-]{27,38}\b/g },
  { type: 'jwt', re: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  { type: 'bearer_token', re: /(\bBearer\s+)([A-Za-z0-9._~+/-]{16,}=*)/g, group: 2 },
  { type: 'url_credentials', re: /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:@/]+:)([^\s@/]+)(?=@)/gi, group: 2 },
  { type: 'password', re: /(["']?\b(?:password|passwd|pwd)\b["']?\s*[:=]\s*["']?)([^\s"',;}]{4,})/gi, group: 2 },
  {
    type: (m) => {
      const label = (m[1] ?? '').toLowerCase();
      if (/api[_-]?key|apikey/.test(label)) return 'api_key';
      if (/secret/.test(label)) return 'secret';
      return 'token';
    },
    re: /(["']?\b(?:api[_-]?key|apikey|client[_-]?secret|secret(?:[_-]?key)?|access[_-]?token|auth[_-]?token|refresh[_-]?token|token)\b["']?\s*[:=]\s*["']?)([A-Za-z0-9_\-./+=]{12,})/gi,
    group: 2,
    accept: mixed,
  },
];

export interface Sanitized {
  text: string;
  redactions: Record<string, number>;
}

export function sanitizeText(input: string, counts: Record<string, number> = {}): Sanitized {
  let text = input;
  for (const rule of RULES) {
    text = text.replace(rule.re, (...args) => {
      const m = args.slice(0, -2).filter((x) => typeof x === 'string' || x === undefined) as string[];
      const whole = m[0]!;
      const g = rule.group ?? 0;
      const secret = m[g] ?? whole;
      if (rule.accept && !rule.accept(secret)) return whole;
      const type = typeof rule.type === 'function' ? rule.type(m) : rule.type;
      counts[type] = (counts[type] ?? 0) + 1;
      if (g === 0) return `[REDACTED:${type}]`;
      const prefix = m.slice(1, g).join('');
      return `${prefix}[REDACTED:${type}]`;
    });
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

export const SANITIZER_TYPES = RULES.map((r) => (typeof r.type === 'string' ? r.type : 'api_key|secret|token'));
