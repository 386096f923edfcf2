// The messenger: opennexus spec §5-§6 (validation order and error strings, SSE framing, fan-out, rate
// limit, body limit) and our offline queue.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessenger } from '../src/opennexus/messenger/app.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { encodeRelayed, decodeSendRequest } from '../src/opennexus/messenger/message.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { MemoryMessengerStore } from '../src/store/messenger-store.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { call, nextMatching, stream } from './helpers/http.ts';

const V = JSON.parse(readFileSync(new URL('./vectors/opennexus-v0.1.0.json', import.meta.url), 'utf8'));

function app(env: Record<string, string> = {}, now = () => 1_700_000_000_000) {
  const config = messengerConfig(env);
  const store = new MemoryMessengerStore({ maxPerAgent: config.offlineMax, ttlMs: config.offlineTtlMs, maxTotal: 1000 });
  return createMessenger({ config, store, now, newId: () => '00000000-0000-4000-8000-000000000001', serverId: 'test-host' });
}

const base = { protocol_version: '0.1.0', sender_id: 'S', receiver_id: 'R' };
const hello = { ...base, type: 'hello', sender_public_key: 'p', ephemeral_public_key: 'e', signature: 's', sender_messenger_url: 'http://x' };

async function post(body: unknown, headers: Record<string, string> = { 'X-Agent-ID': 'S' }) {
  const r = await call(app().handler, 'POST', '/v1/messages', { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: r.status, body: JSON.parse(String(r.body)) as { error?: string; status?: string } };
}

describe('POST /v1/messages validation (opennexus spec §6.1), in order', () => {
  const cases: Array<[string, unknown, Record<string, string> | undefined, string]> = [
    ['no X-Agent-ID', hello, {}, 'X-Agent-ID header is required'],
    ['only the legacy X-Public-Key', hello, { 'X-Public-Key': 'S' }, 'X-Agent-ID header is required'],
    ['empty body', '', undefined, 'invalid request: EOF'],
    ['malformed JSON', '{"type": ', undefined, 'invalid request: unexpected EOF'],
    ['bad character', '{x}', undefined, "invalid request: invalid character 'x' looking for beginning of object key string"],
    ['array body', '[]', undefined, 'invalid request: json: cannot unmarshal array into Go value of type messenger.SendRequest'],
    ['negative counter', { ...hello, counter: -1 }, undefined, 'invalid request: json: cannot unmarshal number -1 into Go struct field SendRequest.counter of type uint64'],
    ['float counter', { ...hello, counter: 1.5 }, undefined, 'invalid request: json: cannot unmarshal number 1.5 into Go struct field SendRequest.counter of type uint64'],
    ['string counter', { ...hello, counter: '1' }, undefined, 'invalid request: json: cannot unmarshal string into Go struct field SendRequest.counter of type uint64'],
    ['counter above u64', '{"protocol_version":"0.1.0","type":"data","sender_id":"S","receiver_id":"R","counter":18446744073709551616}', undefined, 'invalid request: json: cannot unmarshal number 18446744073709551616 into Go struct field SendRequest.counter of type uint64'],
    ['number as a string field', { ...hello, type: 5 }, undefined, 'invalid request: json: cannot unmarshal number into Go struct field SendRequest.type of type string'],
    ['missing protocol_version', { ...hello, protocol_version: '' }, undefined, "invalid request: Key: 'SendRequest.ProtocolVersion' Error:Field validation for 'ProtocolVersion' failed on the 'required' tag"],
    ['all four base fields missing', {}, undefined, ['ProtocolVersion', 'Type', 'SenderID', 'ReceiverID'].map((f) => `Key: 'SendRequest.${f}' Error:Field validation for '${f}' failed on the 'required' tag`).join('\n').replace(/^/, 'invalid request: ')],
    ['sender_id differs from header', { ...hello, sender_id: 'T' }, undefined, 'sender_id must match X-Agent-ID header'],
    ['wrong protocol_version', { ...hello, protocol_version: '0.2.0' }, undefined, 'unsupported protocol_version'],
    ['hello missing signature', { ...hello, signature: '' }, undefined, 'sender_public_key, ephemeral_public_key and signature are required for hello'],
    ['hello missing sender_messenger_url', { ...hello, sender_messenger_url: undefined }, undefined, 'sender_messenger_url is required for hello'],
    ['hello_ack missing peer eph', { ...base, type: 'hello_ack', sender_public_key: 'p', ephemeral_public_key: 'e', signature: 's' }, undefined, 'sender_public_key, ephemeral_public_key, peer_ephemeral_public_key and signature are required for hello_ack'],
    ['data missing counter', { ...base, type: 'data', session_id: 'x', ciphertext: 'c' }, undefined, 'session_id, counter and ciphertext are required for data'],
    ['data with null counter', { ...base, type: 'data', session_id: 'x', ciphertext: 'c', counter: null }, undefined, 'session_id, counter and ciphertext are required for data'],
    ['reset missing reason', { ...base, type: 'reset', session_id: 'x', sender_public_key: 'p', reset_signature: 'r' }, undefined, 'session_id, sender_public_key, reset_signature and reason are required for reset'],
    ['unknown type', { ...base, type: 'ping' }, undefined, 'invalid type'],
  ];
  for (const [name, body, headers, error] of cases) {
    it(name, async () => {
      expect(await post(body, headers)).toEqual({ status: 400, body: { error } });
    });
  }

  it('accepts each valid type, counter 0, negative reason, unknown fields and trailing bytes', async () => {
    expect((await post(hello)).status).toBe(200);
    expect((await post({ ...base, type: 'hello_ack', sender_public_key: 'p', ephemeral_public_key: 'e', peer_ephemeral_public_key: 'q', signature: 's' })).status).toBe(200);
    expect((await post({ ...base, type: 'data', session_id: 'x', ciphertext: 'c', counter: 0, extra: [1] })).status).toBe(200);
    expect((await post({ ...base, type: 'reset', session_id: 'x', sender_public_key: 'p', reset_signature: 'r', reason: -3 }))).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await post(JSON.stringify(hello) + 'garbage')).status).toBe(200);
  });

  it('relays with Go struct field order, omitting empty fields (matches the vectors)', () => {
    for (const step of V.scenario.steps) {
      for (const w of step.wire) {
        const req = decodeSendRequest(new TextEncoder().encode(JSON.stringify(w.body)));
        const expected = JSON.parse(w.relayed_sse_data);
        expect(encodeRelayed(req, expected.id, expected.created_at)).toBe(w.relayed_sse_data);
      }
    }
    const req = decodeSendRequest(new TextEncoder().encode(`{"protocol_version":"0.1.0","sender_id":"S","receiver_id":"R","type":"data","counter":18446744073709551615,"ciphertext":"<&>"}`));
    expect(encodeRelayed(req, 'i', 't')).toContain('"counter":18446744073709551615,"ciphertext":"\\u003c\\u0026\\u003e"');
  });
});

describe('other routes (opennexus spec §6)', () => {
  it('health, info, heartbeat, public stats with CORS, 404 and trailing-slash redirect', async () => {
    const a = app();
    expect((await call(a.handler, 'GET', '/health')).body).toBe('{"status":"ok"}');
    expect((await call(a.handler, 'GET', '/info')).body).toBe('{"local_agent_count":0,"redis_agents":0,"server_id":"test-host"}');
    expect((await call(a.handler, 'POST', '/v1/presence/heartbeat')).status).toBe(400);
    const hb = await call(a.handler, 'POST', '/v1/presence/heartbeat', { headers: { 'X-Agent-ID': 'S' }, body: 'not json, never read' });
    expect(hb.body).toBe('{"status":"ok","ttl_seconds":60}');
    const stats = await call(a.handler, 'GET', '/v1/stats/public');
    expect(stats.body).toBe('{"connected_agents":1,"messages_total":0,"updated_at":"2023-11-14T22:13:20Z"}');
    expect(stats.headers).toMatchObject({ 'access-control-allow-origin': '*', 'cache-control': 'public, max-age=10' });
    expect((await call(a.handler, 'OPTIONS', '/v1/stats/public')).status).toBe(204);
    const nf = await call(a.handler, 'GET', '/nope');
    expect([nf.status, nf.body]).toEqual([404, '404 page not found']);
    expect((await call(a.handler, 'DELETE', '/v1/messages')).status).toBe(404);
    expect(await call(a.handler, 'GET', '/health/')).toMatchObject({ status: 301, headers: { location: '/health' } });
    expect(await call(a.handler, 'POST', '/v1/messages/')).toMatchObject({ status: 307 });
  });

  it('rate limit: a token bucket per IP, 429 when empty, refilled by the clock', async () => {
    let t = 0;
    const a = app({ RATE_LIMIT: '1', RATE_BURST: '2' }, () => t);
    const h = (ip: string) => call(a.handler, 'GET', '/health', { ip });
    expect((await h('1.1.1.1')).status).toBe(200);
    expect((await h('1.1.1.1')).status).toBe(200);
    const limited = await h('1.1.1.1');
    expect([limited.status, limited.body]).toEqual([429, '{"error":"rate limit exceeded"}']);
    expect((await h('2.2.2.2')).status).toBe(200);
    t += 1000;
    expect((await h('1.1.1.1')).status).toBe(200);
    expect((await h('1.1.1.1')).status).toBe(429);
  });
});

describe('messenger over loopback HTTP', () => {
  let m: RunningMessenger;
  afterEach(async () => m?.close());

  const start = async (env: Record<string, string> = {}, keepaliveMs?: number) => {
    const config = { ...messengerConfig(env, { port: 0 }), ...(keepaliveMs ? { keepaliveMs } : {}) };
    m = await startMessenger(config);
    return m.url;
  };
  const send = (url: string, body: object, agent = 'S') => postJson(`${url}/v1/messages`, JSON.stringify(body), { 'X-Agent-ID': agent }, 5000);
  const data = (n: number, receiver = 'R') => ({ ...base, receiver_id: receiver, type: 'data', session_id: 'x', ciphertext: `c${n}`, counter: n });

  it('64 KiB body limit: 65536 bytes pass, 65537 get 400 (not 413)', async () => {
    const url = await start();
    const padded = (size: number) => {
      const s = JSON.stringify({ ...data(0), pad: '' });
      return s.replace('"pad":""', `"pad":"${'x'.repeat(size - s.length)}"`);
    };
    expect(padded(65536).length).toBe(65536);
    expect((await postJson(`${url}/v1/messages`, padded(65536), { 'X-Agent-ID': 'S' }, 5000)).status).toBe(200);
    const big = await postJson(`${url}/v1/messages`, padded(65537), { 'X-Agent-ID': 'S' }, 5000);
    expect([big.status, JSON.parse(big.body)]).toEqual([400, { error: 'invalid request: http: request body too large' }]);
  });

  it('SSE: headers, the connected event, data framing with three newlines, id and created_at', async () => {
    const url = await start();
    const raw = await new Promise<{ headers: Record<string, unknown>; text: () => string; close: () => void }>((resolve) => {
      let text = '';
      const req = request(`${url}/v1/messages/stream`, { headers: { 'X-Agent-ID': 'R' } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        resolve({ headers: res.headers, text: () => text, close: () => req.destroy() });
      });
      req.on('error', () => {});
      req.end();
    });
    expect(raw.headers['content-type']).toBe('text/event-stream');
    expect(raw.headers['cache-control']).toBe('no-cache');
    expect(raw.headers['x-accel-buffering']).toBe('no');
    expect(raw.headers['transfer-encoding']).toBe('chunked');
    expect((await send(url, data(7))).status).toBe(200);
    const { waitFor } = await import('./helpers/http.ts');
    const text = await waitFor(() => (raw.text().includes('c7') ? raw.text() : ''), 5000, 'relayed frame');
    raw.close();
    expect(text.startsWith('data: {"message":"SSE stream established","type":"connected"}\n\n\n')).toBe(true);
    const frame = text.split('\n\n\n')[1]!;
    expect(frame).toMatch(/^data: \{"id":"[0-9a-f-]{36}","protocol_version":"0\.1\.0","type":"data","sender_id":"S","receiver_id":"R","session_id":"x","counter":7,"ciphertext":"c7","created_at":"\d{4}-\d\d-\d\dT[\d:.]+Z"\}$/);
  });

  it('SSE without X-Agent-ID is a 400 JSON error', async () => {
    const url = await start();
    await expect(stream(url, '')).rejects.toThrow(/400.*X-Agent-ID header is required/);
  });

  it('keepalive comments arrive on the configured interval', async () => {
    const url = await start({}, 30);
    const s = await stream(url, 'R');
    const e = await nextMatching(s, (x) => x.kind === 'comment');
    expect(e).toEqual({ kind: 'comment', text: 'keepalive' });
    s.close();
  });

  it('fan-out: every open stream of an agent gets every message; /info counts agents', async () => {
    const url = await start();
    const s1 = await stream(url, 'R');
    const s2 = await stream(url, 'R');
    const info = JSON.parse((await new Promise<string>((r) => request(`${url}/info`, (res) => { let b = ''; res.on('data', (c) => (b += c)); res.on('end', () => r(b)); }).end())));
    expect(info.local_agent_count).toBe(1);
    await send(url, data(1));
    for (const s of [s1, s2]) {
      const e = await nextMatching(s, (x) => x.kind === 'data' && x.data.includes('"c1"'));
      expect(JSON.parse((e as { data: string }).data).counter).toBe(1);
      s.close();
    }
  });

  it('rate limit over HTTP gives 429 with the Go error body', async () => {
    const url = await start({ RATE_LIMIT: '0.001', RATE_BURST: '3' });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await send(url, data(i))).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  it('X-Forwarded-For decides the rate-limit key only when TRUST_PROXY=1, by the entry the proxy appended', async () => {
    const post = (url: string, xff: string) => postJson(`${url}/v1/messages`, JSON.stringify(data(1)), { 'X-Agent-ID': 'S', 'X-Forwarded-For': xff }, 5000);
    let url = await start({ RATE_LIMIT: '0.001', RATE_BURST: '1' });
    expect([(await post(url, '9.9.9.9, 1.1.1.1')).status, (await post(url, '9.9.9.9, 2.2.2.2')).status]).toEqual([200, 429]);
    await m.close();
    url = await start({ RATE_LIMIT: '0.001', RATE_BURST: '1', TRUST_PROXY: '1' });
    // one proxy appends the client's address (rightmost); entries left of it are the client's own
    expect([(await post(url, '9.9.9.9, 1.1.1.1')).status, (await post(url, '9.9.9.9, 2.2.2.2')).status, (await post(url, '8.8.8.8, 1.1.1.1')).status]).toEqual([200, 200, 429]);
  });

  it('offline queue: messages for an agent with no stream are delivered in order on connect, up to the cap', async () => {
    const url = await start({ OFFLINE_QUEUE_MAX: '3' });
    for (let i = 1; i <= 5; i++) expect((await send(url, data(i, 'Q'))).status).toBe(200);
    // a short-lived stream that asks not to drain does not consume the backlog
    const peek = await stream(url, 'Q', '?drain=0');
    peek.close();
    const s = await stream(url, 'Q');
    const got: number[] = [];
    while (got.length < 3) {
      const e = await nextMatching(s, (x) => x.kind === 'data' && !x.data.includes('connected'));
      got.push(JSON.parse((e as { data: string }).data).counter);
    }
    expect(got).toEqual([3, 4, 5]); // the oldest two were dropped at the cap
    await send(url, data(6, 'Q'));
    const live = await nextMatching(s, (x) => x.kind === 'data');
    expect(JSON.parse((live as { data: string }).data).counter).toBe(6);
    s.close();
    expect(await m.store.queued('Q', Date.now())).toBe(0);
  });

  it('a message sent while only a watch stream (?drain=0) is open reaches it and is queued too', async () => {
    const url = await start();
    const watch = await stream(url, 'W', '?drain=0');
    await send(url, data(7, 'W'));
    const seen = await nextMatching(watch, (x) => x.kind === 'data' && !x.data.includes('connected'));
    expect(JSON.parse((seen as { data: string }).data).counter).toBe(7);
    expect(await m.store.queued('W', Date.now())).toBe(1);
    watch.close();
    const s = await stream(url, 'W');
    const got = await nextMatching(s, (x) => x.kind === 'data' && !x.data.includes('connected'));
    expect(JSON.parse((got as { data: string }).data).counter).toBe(7);
    // a draining stream takes delivery: nothing more is queued while it is open
    await send(url, data(8, 'W'));
    await nextMatching(s, (x) => x.kind === 'data' && x.data.includes('"counter":8'));
    expect(await m.store.queued('W', Date.now())).toBe(0);
    s.close();
  });

  it('a watch stream is shown the waiting HELLO_ACKs and resets, which stay for the draining stream', async () => {
    const url = await start();
    const reset = { ...base, receiver_id: 'W2', type: 'reset', session_id: 'x', reason: 2, sender_public_key: 'k', reset_signature: 's' };
    expect((await send(url, data(1, 'W2'))).status).toBe(200);
    expect((await send(url, reset)).status).toBe(200);
    const watch = await stream(url, 'W2', '?drain=0');
    const shown = await nextMatching(watch, (x) => x.kind === 'data' && x.data.includes('"type":"reset"'));
    expect(shown).toBeDefined();
    watch.close();
    expect(await m.store.queued('W2', Date.now())).toBe(2); // nothing was taken
    const s = await stream(url, 'W2');
    const got: string[] = [];
    while (got.length < 2) {
      const e = await nextMatching(s, (x) => x.kind === 'data' && !x.data.includes('connected'));
      got.push(JSON.parse((e as { data: string }).data).type);
    }
    expect(got).toEqual(['data', 'reset']);
    s.close();
  });

  it('shutdown ends open streams', async () => {
    const url = await start();
    const s = await stream(url, 'R');
    await m.close();
    const rest = [];
    for await (const e of s.events) rest.push(e);
    expect(rest.filter((e) => e.kind === 'data')).toHaveLength(1); // only the connected event
  });
});
