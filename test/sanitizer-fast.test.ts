// nexus spec §2.7: the sanitizer's first look (mayHoldSecret) only skips texts no rule matches,
// so sanitizeText answers exactly as running every rule does.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldSecret, sanitizeEveryRule, sanitizeText } from '../src/nexus/server/sanitizer.ts';

/** Pieces of every rule's shapes, near misses and separators, so random joins hit and miss. */
const PIECES = [
  ' ', '\n', '\t', '\u00a0', '"', "'", ':', '=', ': ', ' = ', '.', '-', '_', '/', '@', ',', ';', '}',
  'PRIVATE KEY', 'PRIVATE KEY BLOCK', '-----BEGIN ', '-----END ', '-----', 'RSA ', 'EC ',
  'AKIA', 'ASIA', 'AIPA', 'IOSFODNN7EXAMPLE', 'ABCDEFGHIJKLMNOP',
  'aws_secret_access_key', 'aws_secret_key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'ghp_', 'gho_', 'github_pat_', '1234567890abcdefghijABCDEFGHIJ123456', 'glpat-', 'abcdefghij1234567890',
  'https://hooks.slack.com/services/', 'T000/B000/XXXXXXXXXXXX', 'xoxb-', 'xoxp-', '123456789012-abcdefghij',
  'sk-', 'sk-ant-', 'sk-proj-', 'api03-abcdefghijklmnopqrstuvwxyz', 'AIza', 'SyA1234567890abcdefghijklmnopqrstuv',
  'sk_live_', 'rk_test_', '_live_', 'npm_', 'hf_', 'abcdefghijklmnopqrstuvwxyz0123456789', 'SG.', 'abcdefghijklmnop1234',
  '123456789', '12345678', '1234567890', 'ABCdefGhIJKlmNoPQRsTUVwxyZ123456789',
  'MTAxMjM0NTY3ODkwMTIzNDU2', 'GabcDe', 'abcdefghijklmnopqrstuvwxyz0123', '.GabcDe.',
  'eyJ', 'eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
  'Bearer', 'Bearer ', 'bearer ', '://', 'postgres', 'admin', 's3cr3tpass', 'db.example.com',
  'password', 'Password', 'PASSWD', 'pwd', 'hunter22', 'api_key', 'API-KEY', 'apikey', 'client_secret', 'secret', 'Secret_Key',
  'access_token', 'auth-token', 'refresh_token', 'TOKEN', 'token', 'key', 'Key', 'a1b2c3d4e5f6g7h8i9', 'Zx9Yw8Vu7Ts6Rq5P',
  'Could we move the review to Thursday afternoon?', 'the numbers', 'é', '😀',
  'ey', 'J', 'AI', 'za', 'A', 'AK', 'IA', 'S', 'G', 'PRIVATE', ' KEY', 'Bear', 'er',
];

const text = fc.oneof(
  fc.array(fc.constantFrom(...PIECES), { maxLength: 24 }).map((a) => a.join('')),
  fc.string({ maxLength: 200 }),
  fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 })), { maxLength: 16 }).map((a) => a.join('')),
);

describe('sanitizer fast path', () => {
  it('gives exactly what running every rule gives (property)', () => {
    fc.assert(
      fc.property(text, (t) => {
        const fast = sanitizeText(t, {});
        const slow = sanitizeEveryRule(t, {});
        expect(fast).toEqual(slow);
        // A text the first look lets through is one no rule changes.
        if (!mayHoldSecret(t)) expect(slow).toEqual({ text: t, redactions: {} });
      }),
      { numRuns: 20_000 },
    );
  });

  it('looks further at every shape the rules redact', () => {
    for (const t of ['AKIAIOSFODNN7EXAMPLE', 'password: x', 'token=y', 'a://b', '123456789:A', 'x.abcdef.y', 'SG.x', 'eyJ', 'Bearer x', 'sk-x', 'ghp_', 'npm_', 'PRIVATE KEY', 'AIza']) {
      expect(mayHoldSecret(t)).toBe(true);
    }
    expect(mayHoldSecret('Could we move the review to Thursday afternoon? I will bring the draft.')).toBe(false);
  });
});
