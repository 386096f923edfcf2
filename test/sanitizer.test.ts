// nexus spec §2.7: each pattern redacts a real-looking secret (positive) and leaves a near miss alone.
import { describe, expect, it } from 'vitest';
import { sanitizeJson, sanitizeText } from '../src/nexus/server/sanitizer.ts';

const TABLE: Array<[type: string, positive: string, redacted: string, nearMiss: string]> = [
  ['private_key', 'key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nok', 'key:\n[REDACTED:private_key]\nok', '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----'],
  ['aws_access_key', 'id AKIAIOSFODNN7EXAMPLE here', 'id [REDACTED:aws_access_key] here', 'AKIA-not-a-key and AKIAshort'],
  ['aws_secret_key', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'aws_secret_access_key = [REDACTED:aws_secret_key]', 'aws_secret_access_key is documented in the AWS guide'],
  ['github_token', 'use ghp_1234567890abcdefghijABCDEFGHIJ123456 now', 'use [REDACTED:github_token] now', 'the ghp_ prefix marks classic tokens'],
  ['gitlab_token', 'glpat-abcdefghij1234567890', '[REDACTED:gitlab_token]', 'glpat- is the GitLab prefix'],
  ['slack_webhook', 'post to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXX', 'post to [REDACTED:slack_webhook]', 'see https://hooks.slack.com/ for docs'],
  ['slack_token', 'xoxb-123456789012-abcdefghij', '[REDACTED:slack_token]', 'xoxb- tokens are for bots'],
  ['anthropic_key', 'ANTHROPIC=sk-ant-api03-abcdefghijklmnopqrstuvwxyz', 'ANTHROPIC=[REDACTED:anthropic_key]', 'sk-ant- keys start like this'],
  ['openai_key', 'key sk-proj-abcdefghijklmnop1234567890', 'key [REDACTED:openai_key]', 'a task-management-for-everyone plan (sk-learning-and-teaching-things)'],
  ['google_api_key', 'AIzaSyA1234567890abcdefghijklmnopqrstuv', '[REDACTED:google_api_key]', 'AIza keys are 39 characters: AIzaShort'],
  ['stripe_key', 'sk_live_1234567890abcdefghij', '[REDACTED:stripe_key]', 'sk_live_ is the live prefix'],
  ['npm_token', 'npm_abcdefghijklmnopqrstuvwxyz0123456789', '[REDACTED:npm_token]', 'npm_config_cache is an env var'],
  ['huggingface_token', 'hf_abcdefghijklmnopqrstuvwxyz0123456', '[REDACTED:huggingface_token]', 'hf_hub_download is a function'],
  ['sendgrid_key', 'SG.abcdefghijklmnop1234.abcdefghijklmnopqrstuvwxyz123456', '[REDACTED:sendgrid_key]', 'SG.short.value'],
  ['telegram_bot_token', 'bot 123456789:ABCdefGhIJKlmNoPQRsTUVwxyZ123456789 end', 'bot [REDACTED:telegram_bot_token] end', 'meet at 12345678:30 tomorrow'],
  ['discord_token', 'bot token MTAxMjM0NTY3ODkwMTIzNDU2.GabcDe.abcdefghijklmnopqrstuvwxyz0123 ok', 'bot token [REDACTED:discord_token] ok', 'MTAxMjM0.short.value'],
  ['jwt', 'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'token [REDACTED:jwt]', 'eyJ is how base64 JSON starts'],
  ['bearer_token', 'Authorization: Bearer abcdefghijklmnopqrstuvwxyz123', 'Authorization: Bearer [REDACTED:bearer_token]', 'the Bearer scheme is described in RFC 6750'],
  ['url_credentials', 'db postgres://admin:s3cr3tpass@db.example.com/app', 'db postgres://admin:[REDACTED:url_credentials]@db.example.com/app', 'see https://example.com:8080/path'],
  ['password', 'password: hunter22', 'password: [REDACTED:password]', 'my password is strong and I will not share it'],
  ['api_key', '{"api_key": "a1b2c3d4e5f6g7h8i9"}', '{"api_key": "[REDACTED:api_key]"}', 'api_key: placeholder-value-here'],
  ['secret', 'client_secret=Zx9Yw8Vu7Ts6Rq5P', 'client_secret=[REDACTED:secret]', 'the secret = a good recipe'],
  ['token', 'access_token=abc123def456ghi789', 'access_token=[REDACTED:token]', 'token: not-really-a-token'],
];

describe('secret sanitizer (nexus spec §2.7)', () => {
  for (const [type, positive, redacted, nearMiss] of TABLE) {
    it(`${type}: redacts, and leaves a near miss`, () => {
      const r = sanitizeText(positive);
      expect(r.text).toBe(redacted);
      expect(r.redactions[type]).toBe(1);
      const n = sanitizeText(nearMiss);
      expect(n.text).toBe(nearMiss);
      expect(n.redactions).toEqual({});
    });
  }

  it('sanitizes every string inside a JSON payload, keeping keys and structure', () => {
    const counts: Record<string, number> = {};
    const out = sanitizeJson({ a: ['ok', 'ghp_1234567890abcdefghijABCDEFGHIJ123456'], n: 1, nested: { pw: 'password=hunter22' } }, counts);
    expect(out).toEqual({ a: ['ok', '[REDACTED:github_token]'], n: 1, nested: { pw: 'password=[REDACTED:password]' } });
    expect(counts).toEqual({ github_token: 1, password: 1 });
  });
});
