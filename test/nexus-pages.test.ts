// Pairing pages, negotiation, rate limits and bad input (nexus spec §2.9).
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { negotiatePage } from '../src/nexus/server/negotiate.ts';
import { generatePairCode, PAIR_CODE_BITS } from '../src/nexus/server/pair-code.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { randomBytes } from 'node:crypto';
import { call } from './helpers/http.ts';

function setup(env: Record<string, string> = {}) {
  const clock = { t: Date.UTC(2026, 10, 21, 12, 0, 0) };
  const app = createSessionServer({ config: nexusConfig(env, { dataDir: null }), store: new MemoryNexusStore(), now: () => clock.t });
  const req = (method: string, path: string, headers: Record<string, string> = {}, body?: string, ip?: string) =>
    call(app.handler, method, path, { headers: { host: 'hub.test', ...headers }, body: body ?? '', ...(ip ? { ip } : {}) });
  return { req, clock };
}

async function sessionWithCode(req: ReturnType<typeof setup>['req'], greeting: string) {
  const c = JSON.parse(String((await req('PUT', '/v1/sessions', {}, JSON.stringify({ greeting, creatorAgentId: 'alice' }))).body));
  const p = JSON.parse(String((await req('PUT', '/v1/pair', {}, JSON.stringify({ sessionId: c.sessionId }))).body));
  return { sid: c.sessionId as string, code: p.code as string };
}

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8';

describe('Accept negotiation (nexus spec §2.9)', () => {
  it.each([
    [undefined, null, 'md'],
    ['*/*', null, 'md'],
    ['text/markdown, text/html;q=0.9, */*;q=0.8', null, 'md'],
    ['text/html;q=0.9, text/markdown', null, 'md'],
    [BROWSER, null, 'html'],
    ['text/html', null, 'html'],
    ['text/html;q=0.5, */*;q=0.5', null, 'md'],
    ['text/html;q=0', null, 'md'],
    [BROWSER, 'md', 'md'],
    ['*/*', 'html', 'html'],
  ])('Accept %s, ?format=%s -> %s', (accept, format, want) => {
    expect(negotiatePage(accept, format)).toBe(want);
  });
});

describe('pairing page', () => {
  it('GET /p/code (lower case) from a browser is a 301 to the canonical skill URL (agents get the markdown there)', async () => {
    const { req } = setup();
    const { code } = await sessionWithCode(req, 'hi');
    const r = await req('GET', `/p/${code.toLowerCase()}`, { accept: BROWSER });
    expect(r.status).toBe(301);
    expect(r.headers?.location).toBe(`/v1/pair/${code}/skill`);
  });

  it('markdown for curl and agent fetchers, HTML for browsers; code, expiry, base URL, steps; GET never claims', async () => {
    const { req } = setup();
    const { code } = await sessionWithCode(req, 'Plan the trip');
    for (const accept of ['*/*', 'text/markdown, text/html;q=0.9']) {
      const r = await req('GET', `/v1/pair/${code}/skill`, { accept });
      expect(r.status).toBe(200);
      expect(r.headers?.['content-type']).toBe('text/markdown; charset=utf-8');
      expect(r.headers?.['x-content-type-options']).toBe('nosniff');
      expect(r.headers?.['content-security-policy']).toMatch(/^default-src 'none';.*; sandbox$/);
      const md = String(r.body);
      expect(md).toMatch(/^---\nname: nexus-pairing-/);
      expect(md).toContain(`| Pairing code | \`${code}\` |`);
      expect(md).toContain('| Expires | 2026-11-21T12:10:00Z (in about 10 min) |');
      expect(md).toContain(`curl -sS -X POST http://hub.test/v1/pair/${code}/claim -H "X-Agent-Id: YOUR-AGENT-ID"`);
      expect(md).toContain('> Plan the trip');
      expect(md).toMatch(/## Step 1[\s\S]*## Step 2[\s\S]*## Step 3[\s\S]*## Step 4/);
    }
    const html = await req('GET', `/v1/pair/${code}/skill`, { accept: BROWSER });
    expect(html.headers?.['content-type']).toBe('text/html; charset=utf-8');
    expect(html.headers?.vary).toBe('Accept');
    expect(html.headers?.['content-security-policy']).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]{43}='; script-src 'sha256-[A-Za-z0-9+/]{43}='; /);
    expect(html.headers?.['referrer-policy']).toBe('no-referrer');
    expect(String(html.body)).toContain(`<div class="code" id="code">${code}</div>`);
    expect(String(html.body)).toContain('<h2>Step 1: claim the code (this joins you to the session)</h2>');
    expect(String(html.body)).toContain('<link rel="alternate" type="text/markdown" href="?format=md">');
    const status = JSON.parse(String((await req('GET', `/v1/pair/${code}/status`)).body));
    expect(status.state).toBe('pending');
  });

  it('a greeting with <script> is escaped in the HTML page', async () => {
    const { req } = setup();
    const { code } = await sessionWithCode(req, 'Hi <script>alert("x")</script> & <img src=x onerror=alert(1)>');
    const html = String((await req('GET', `/v1/pair/${code}/skill?format=html`)).body);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    const hostile = String((await req('GET', `/v1/pair/${code}/skill?format=html`, { host: 'evil"><script>x</script>' })).body);
    expect(hostile).not.toContain('<script>x</script>');
  });

  it('claimed and expired codes get a page that says so (410); unknown codes 404', async () => {
    const { req, clock } = setup();
    const { code } = await sessionWithCode(req, 'g');
    await req('POST', `/v1/pair/${code}/claim`, { 'x-agent-id': 'bob' });
    const claimed = await req('GET', `/v1/pair/${code}/skill`);
    expect(claimed.status).toBe(410);
    expect(String(claimed.body)).toContain(`The pairing code \`${code}\` has already been used.`);
    const second = await sessionWithCode(req, 'g');
    clock.t += 601_000;
    const expired = await req('GET', `/v1/pair/${second.code}/skill`, { accept: BROWSER });
    expect(expired.status).toBe(410);
    expect(String(expired.body)).toContain('has expired');
    expect(String(expired.body)).toContain('<h1>This pairing link is no longer valid</h1>');
    const unknown = await req('GET', '/v1/pair/NOPE-NOPE-ZZZZZ/skill');
    expect(unknown.status).toBe(404);
    expect(String(unknown.body)).toContain('does not exist');
  });

  it('GET / serves the general skill without openclaw-only blocks, markdown or HTML', async () => {
    const { req } = setup();
    const md = String((await req('GET', '/')).body);
    expect(md).toContain('# NexusMessaging');
    expect(md).toContain('curl -sS -X PUT http://hub.test/v1/sessions');
    expect(md).not.toContain('openclaw-only');
    expect(md).not.toContain('{baseDir}');
    expect(String((await req('GET', '/', { accept: BROWSER })).body)).toContain('<h1>NexusMessaging</h1>');
  });

  it('codes are WORD-WORD-XXXXX from the CSPRNG with >= 40 bits', () => {
    expect(PAIR_CODE_BITS).toBeGreaterThanOrEqual(40);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(generatePairCode((n) => new Uint8Array(randomBytes(n))));
    expect(seen.size).toBe(2000);
    for (const c of seen) expect(c).toMatch(/^[A-Z]{3,8}-[A-Z]{3,8}-[0-9A-HJKMNP-TV-Z]{5}$/);
  });
});

describe('rate limits and bad input', () => {
  it('100 requests / 60 s per IP, then 429 rate_limit_exceeded with Retry-After; /health is exempt', async () => {
    const { req, clock } = setup();
    for (let i = 0; i < 100; i++) expect((await req('GET', '/v1/stats', {}, '', '9.9.9.9')).status).toBe(200);
    const r = await req('GET', '/v1/stats', {}, '', '9.9.9.9');
    expect(r.status).toBe(429);
    expect(JSON.parse(String(r.body))).toMatchObject({ error: 'rate_limit_exceeded', retryAfter: 60 });
    expect(r.headers?.['retry-after']).toBe('60');
    expect((await req('GET', '/health', {}, '', '9.9.9.9')).status).toBe(200);
    expect((await req('GET', '/v1/stats', {}, '', '8.8.8.8')).status).toBe(200);
    clock.t += 60_000;
    expect((await req('GET', '/v1/stats', {}, '', '9.9.9.9')).status).toBe(200);
  });

  it('failed pairing-code lookups are limited harder (brute force)', async () => {
    const { req } = setup({ PAIR_FAIL_LIMIT: '3' });
    const { code } = await sessionWithCode(req, 'g');
    for (let i = 0; i < 3; i++) expect((await req('POST', `/v1/pair/AAAA-BBBB-${i}000${i}/claim`, { 'x-agent-id': 'x' }, '', '7.7.7.7')).status).toBe(404);
    const blocked = await req('POST', `/v1/pair/${code}/claim`, { 'x-agent-id': 'x' }, '', '7.7.7.7');
    expect([blocked.status, JSON.parse(String(blocked.body)).error]).toEqual([429, 'rate_limit_exceeded']);
    expect((await req('POST', `/v1/pair/${code}/claim`, { 'x-agent-id': 'x' }, '', '6.6.6.6')).status).toBe(200);
  });

  it.each([
    ['malformed JSON', 'PUT', '/v1/sessions', {}, '{"ttl":', 400, 'invalid_body'],
    ['array body', 'PUT', '/v1/sessions', {}, '[1]', 400, 'invalid_request'],
    ['ttl too small', 'PUT', '/v1/sessions', {}, '{"ttl": 5}', 400, 'invalid_request'],
    ['maxAgents too large', 'PUT', '/v1/sessions', {}, '{"maxAgents": 500}', 400, 'invalid_request'],
    ['bad agent id', 'PUT', '/v1/sessions', { 'x-agent-id': 'bad id!' }, '', 400, 'invalid_request'],
    ['reserved agent id', 'PUT', '/v1/sessions', {}, '{"creatorAgentId": "System"}', 400, 'invalid_request'],
    ['dot agent id', 'PUT', '/v1/sessions', { 'x-agent-id': '..' }, '', 400, 'invalid_request'],
    ['unknown session', 'GET', '/v1/sessions/abc', {}, '', 404, 'session_not_found'],
    ['missing agent header', 'POST', '/v1/sessions/abc/join', {}, '', 400, 'missing_agent_id'],
    ['unknown code', 'POST', '/v1/pair/WHAT-EVER-12345/claim', { 'x-agent-id': 'a' }, '', 404, 'code_not_found'],
    ['pair without sessionId', 'PUT', '/v1/pair', {}, '{}', 400, 'invalid_request'],
    ['unknown route', 'GET', '/v2/nothing', {}, '', 404, 'not_found'],
    ['wrong method', 'PATCH', '/v1/sessions', {}, '', 405, 'method_not_allowed'],
  ])('%s -> %i %s, with message and X-Request-Id', async (_n, method, path, headers, body, status, error) => {
    const { req } = setup();
    const r = await req(method, path, headers, body);
    expect(r.status).toBe(status);
    const b = JSON.parse(String(r.body));
    expect(b.error).toBe(error);
    expect(typeof b.message).toBe('string');
    expect(r.headers?.['x-request-id']).toMatch(/^req_/);
  });

  it('oversize and empty messages are 400, never 500; a body over the limit is 413', async () => {
    const { req } = setup({ MAX_MESSAGE_CHARS: '10' });
    const sid = JSON.parse(String((await req('PUT', '/v1/sessions', {}, '{"creatorAgentId":"a"}')).body)).sessionId;
    const send = (body: string) => req('POST', `/v1/sessions/${sid}/messages`, { 'x-agent-id': 'a' }, body);
    expect((await send('{"text": "01234567890"}')).status).toBe(400);
    expect((await send('{"text": ""}')).status).toBe(400);
    expect((await send('{}')).status).toBe(400);
    expect((await send('{"json": [1]}')).status).toBe(400);
    expect((await send('{"text": "0123456789"}')).status).toBe(201);
    const big = await call((await import('../src/nexus/server/app.ts')).createSessionServer({ config: nexusConfig({}, { dataDir: null }), store: new MemoryNexusStore() }).handler, 'PUT', '/v1/sessions', { body: null });
    expect([big.status, JSON.parse(String(big.body)).error]).toEqual([413, 'payload_too_large']);
  });
});
