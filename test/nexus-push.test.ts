// Push delivery on the session server (nexus spec §2.6): long-poll (`wait=`), the event stream,
// idempotent sends, `mine`, the greeting's creator, and the short pairing link for agents.
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpResponse } from '../src/http/types.ts';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { call, waitFor } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** A stream response driven by hand: its chunks so far, and a promise of its end. */
function drive(res: HttpResponse) {
  const chunks: string[] = [];
  let onEnd!: () => void;
  const ended = new Promise<void>((r) => (onEnd = r));
  let cleanup = () => {};
  let over = false;
  const end = () => {
    if (over) return;
    over = true;
    cleanup();
    onEnd();
  };
  cleanup = res.stream!.open((c) => (chunks.push(c), true), end);
  return { chunks, ended, text: () => chunks.join(''), close: end };
}

/** A parked poll in flight: its answer once it comes; `close()` is its client going away. */
function park(ask: (signal: AbortSignal) => Promise<HttpResponse>) {
  const gone = new AbortController();
  let res: HttpResponse | undefined;
  const ended = ask(gone.signal).then((r) => void (res = r));
  return { ended, status: () => res?.status, text: () => String(res?.body ?? ''), close: () => gone.abort() };
}

function setup(env: Record<string, string> = {}) {
  const clock = { t: Date.UTC(2026, 10, 21, 12, 0, 0) };
  const app = createSessionServer({ config: nexusConfig(env, { dataDir: null }), store: new MemoryNexusStore(), now: () => clock.t });
  const req = async (method: string, path: string, opts: { agent?: string; key?: string; body?: unknown; headers?: Record<string, string>; ip?: string; signal?: AbortSignal } = {}) => {
    const headers: Record<string, string> = { host: 'hub.test', ...opts.headers };
    if (opts.agent) headers['x-agent-id'] = opts.agent;
    if (opts.key) headers['x-session-key'] = opts.key;
    return call(app.handler, method, path, { headers, body: opts.body === undefined ? '' : JSON.stringify(opts.body), ...(opts.ip ? { ip: opts.ip } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
  };
  const json = (r: HttpResponse): Any => JSON.parse(String(r.body));
  /** A session with a greeting by `a`, and `b` joined: keys for both. */
  const pair = async () => {
    const c = json(await req('PUT', '/v1/sessions', { body: { greeting: 'hi from a', creatorAgentId: 'a', ttl: 600 } }));
    const j = json(await req('POST', `/v1/sessions/${c.sessionId}/join`, { agent: 'b' }));
    return { sid: c.sessionId as string, ka: c.sessionKey as string, kb: j.sessionKey as string };
  };
  return { app, req, json, pair, clock };
}

describe('long-poll (wait=)', () => {
  it('answers at once when messages are newer than `after`; marks mine; the greeting names its creator', async () => {
    const { req, json, pair } = setup();
    const { sid, ka } = await pair();
    const r = await req('GET', `/v1/sessions/${sid}/messages?wait=30`, { agent: 'a', key: ka });
    expect(r.stream).toBeUndefined();
    const b = json(r);
    expect(b.messages.map((m: Any) => [m.cursor, m.agentId, m.type, m.mine])).toEqual([
      ['0', 'system', 'greeting', true],
      ['1', 'system', 'system', false],
    ]);
    expect(b.messages[0].creatorAgentId).toBe('a');
    const asB = json(await req('GET', `/v1/sessions/${sid}/messages`, { agent: 'b' }));
    expect(asB.messages[0]).toMatchObject({ agentId: 'system', creatorAgentId: 'a', mine: false });
  });

  it('a parked poll returns on the next send, long before its wait, with that message (not mine)', async () => {
    const { app, req, json, pair } = setup();
    const { sid, ka, kb } = await pair();
    const d = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=30`, { agent: 'b', key: kb, signal }));
    await waitFor(() => app.waiters.count(sid) === 1);
    const sentAt = Date.now();
    await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text: 'wake up' } });
    await d.ended;
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(d.status()).toBe(200);
    const b = JSON.parse(d.text());
    expect(b.messages.map((m: Any) => [m.text, m.agentId, m.mine])).toEqual([['wake up', 'a', false]]);
    expect(b.nextCursor).toBe('2');
    expect(app.waiters.count()).toBe(0);
    // the sender's own poll marks it as its own
    expect(json(await req('GET', `/v1/sessions/${sid}/messages?after=1`, { agent: 'a', key: ka })).messages[0].mine).toBe(true);
  });

  it('times out with an empty page and the same nextCursor; leaves no waiter', async () => {
    const { app, req, pair } = setup();
    const { sid, kb } = await pair();
    const d = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=0.2`, { agent: 'b', key: kb, signal }));
    await d.ended;
    expect(JSON.parse(d.text())).toEqual({ messages: [], nextCursor: '1', hasMore: false });
    expect(app.waiters.count()).toBe(0);
  });

  it('a session that expires (swept) answers 404 to its parked polls at once', async () => {
    const { app, req, pair, clock } = setup();
    const { sid, ka, kb } = await pair();
    const p1 = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=50`, { agent: 'b', key: kb, signal }));
    const p2 = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=50`, { agent: 'a', key: ka, signal }));
    await waitFor(() => app.waiters.count(sid) === 2);
    clock.t += 601_000;
    await app.sweep();
    await Promise.all([p1.ended, p2.ended]);
    for (const p of [p1, p2]) {
      expect(p.status()).toBe(404);
      expect(JSON.parse(p.text())).toMatchObject({ error: 'session_not_found' });
    }
    expect(app.waiters.count()).toBe(0);
    // and a poll that comes after gets the plain 404
    expect((await req('GET', `/v1/sessions/${sid}/messages?wait=5`, { agent: 'b', key: kb })).status).toBe(404);
  });

  it('an agent that leaves is told at once (403)', async () => {
    const { app, req, pair } = setup();
    const { sid, kb } = await pair();
    const d = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=50`, { agent: 'b', key: kb, signal }));
    await waitFor(() => app.waiters.count(sid) === 1);
    await req('DELETE', `/v1/sessions/${sid}/agents/b`, { agent: 'b', key: kb });
    await d.ended;
    expect(d.status()).toBe(403);
    expect(JSON.parse(d.text())).toMatchObject({ error: 'agent_not_in_session' });
    expect(app.waiters.count()).toBe(0);
  });

  it('bounds parked polls per session and per address (429)', async () => {
    const { app, req, pair } = setup({ MAX_WAITERS_PER_SESSION: '2', MAX_WAITERS_PER_IP: '2' });
    const one = await pair();
    const two = await pair();
    const poll = (s: { sid: string; kb: string }, ip: string, signal?: AbortSignal) => req('GET', `/v1/sessions/${s.sid}/messages?after=1&wait=50`, { agent: 'b', key: s.kb, ip, ...(signal ? { signal } : {}) });
    const open = [park((sig) => poll(one, '10.0.0.1', sig)), park((sig) => poll(one, '10.0.0.2', sig))];
    await waitFor(() => app.waiters.count() === 2);
    const fullSession = await poll(one, '10.0.0.3');
    expect(fullSession.status).toBe(429);
    expect(JSON.parse(String(fullSession.body)).error).toBe('too_many_waiters');
    open.push(park((sig) => poll(two, '10.0.0.1', sig)));
    await waitFor(() => app.waiters.count() === 3);
    expect((await poll(two, '10.0.0.1')).status).toBe(429); // .1 has two parked already
    for (const d of open) d.close();
    await Promise.all(open.map((d) => d.ended));
    expect(app.waiters.count()).toBe(0);
  });

  it('rejects a wait that is not a number; cuts a long one to 55 s', async () => {
    const { req, pair } = setup();
    const { sid, kb } = await pair();
    expect((await req('GET', `/v1/sessions/${sid}/messages?wait=soon`, { agent: 'b', key: kb })).status).toBe(400);
    const d = park((signal) => req('GET', `/v1/sessions/${sid}/messages?after=1&wait=3600`, { agent: 'b', key: kb, signal }));
    d.close();
    await d.ended;
  });
});

/** SSE frames in order: [id, event, data] for each. */
function frames(text: string): { id?: string; event?: string; data?: string; comment?: string }[] {
  return text
    .split('\n\n')
    .filter((f) => f.trim())
    .map((f) => {
      const o: Record<string, string> = {};
      for (const line of f.split('\n')) {
        if (line.startsWith(':')) o.comment = line.slice(1).trim();
        else {
          const i = line.indexOf(': ');
          if (i > 0) o[line.slice(0, i)] = line.slice(i + 2);
        }
      }
      return o;
    });
}

describe('event stream (messages/stream)', () => {
  it('events in order with id = cursor; resuming from Last-Event-ID has no gap and no repeat', async () => {
    const { app, req, json, pair } = setup();
    const { sid, ka, kb } = await pair();
    const s1 = await req('GET', `/v1/sessions/${sid}/messages/stream?after=1`, { agent: 'b', key: kb });
    expect(s1.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
    const d1 = drive(s1);
    for (const text of ['one', 'two', 'three']) await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', key: ka, body: { text } });
    await waitFor(() => frames(d1.text()).filter((f) => f.id).length === 3, 5000, 'three events');
    const got = frames(d1.text()).filter((f) => f.id);
    expect(got.map((f) => [f.id, JSON.parse(f.data!).cursor, JSON.parse(f.data!).text, JSON.parse(f.data!).mine])).toEqual([
      ['2', '2', 'one', false],
      ['3', '3', 'two', false],
      ['4', '4', 'three', false],
    ]);
    expect(d1.text()).toMatch(/^retry: \d+\n/);
    d1.close(); // the client drops after "two"... say it had read up to 3
    expect(app.waiters.count()).toBe(0);
    await req('POST', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb, body: { text: 'four' } });
    // Last-Event-ID wins over after
    const d2 = drive(await req('GET', `/v1/sessions/${sid}/messages/stream?after=0`, { agent: 'b', key: kb, headers: { 'last-event-id': '3' } }));
    await waitFor(() => frames(d2.text()).filter((f) => f.id).length === 2, 5000, 'two events');
    expect(frames(d2.text()).filter((f) => f.id).map((f) => [f.id, JSON.parse(f.data!).text, JSON.parse(f.data!).mine])).toEqual([
      ['4', 'three', false],
      ['5', 'four', true],
    ]);
    d2.close();
    const bad = await req('GET', `/v1/sessions/${sid}/messages/stream`, { agent: 'b', key: kb, headers: { 'last-event-id': 'x' } });
    expect([bad.status, json(bad).message]).toEqual([400, 'Last-Event-ID must be a cursor (decimal digits)']);
  });

  it('member only, with the key rule of poll', async () => {
    const { req, pair } = setup();
    const { sid, kb } = await pair();
    expect((await req('GET', `/v1/sessions/${sid}/messages/stream`, { agent: 'mallory' })).status).toBe(403);
    // b presented its key once: from then on its id alone is not enough
    await req('GET', `/v1/sessions/${sid}/messages`, { agent: 'b', key: kb });
    expect((await req('GET', `/v1/sessions/${sid}/messages/stream`, { agent: 'b' })).status).toBe(401);
    expect((await req('GET', `/v1/sessions/${sid}/messages/stream`, { agent: 'b', key: 'f'.repeat(64) })).status).toBe(403);
    expect((await req('GET', `/v1/sessions/nope/messages/stream`, { agent: 'b' })).status).toBe(404);
  });

  it('keepalive comments when idle; `event: expired` when the session goes', async () => {
    const { app, req, pair, clock } = setup({ SSE_KEEPALIVE_MS: '20' });
    const { sid, kb } = await pair();
    const d = drive(await req('GET', `/v1/sessions/${sid}/messages/stream?after=1`, { agent: 'b', key: kb }));
    await waitFor(() => frames(d.text()).some((f) => f.comment === 'keepalive'), 5000, 'a keepalive');
    clock.t += 601_000;
    await app.sweep();
    await d.ended;
    const last = frames(d.text()).at(-1)!;
    expect(last.event).toBe('expired');
    expect(JSON.parse(last.data!)).toMatchObject({ type: 'expired', error: 'session_not_found', sessionId: sid });
    expect(app.waiters.count()).toBe(0);
  });

  it('keepalives count as activity: the session outlives its TTL while a stream is open', async () => {
    const { req, pair, clock } = setup({ SSE_KEEPALIVE_MS: '20' });
    const { sid, kb } = await pair();
    const d = drive(await req('GET', `/v1/sessions/${sid}/messages/stream?after=1`, { agent: 'b', key: kb }));
    const before = JSON.parse(String((await req('GET', `/v1/sessions/${sid}`)).body)).expiresAt;
    clock.t += 300_000;
    await waitFor(async () => JSON.parse(String((await req('GET', `/v1/sessions/${sid}`)).body)).expiresAt !== before, 5000, 'a slide');
    d.close();
  });
});

describe('idempotent send (Idempotency-Key)', () => {
  it('a repeat returns the first answer and posts nothing; another agent or key is another send; the key with another message is 422', async () => {
    const { req, json, pair } = setup();
    const { sid, ka, kb } = await pair();
    const send = (agent: string, key: string, idem: string, text: string) =>
      req('POST', `/v1/sessions/${sid}/messages`, { agent, key, body: { text }, headers: { 'idempotency-key': idem } });
    const first = await send('a', ka, 'k-1', 'hello');
    const again = await send('a', ka, 'k-1', 'hello');
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(json(again)).toEqual(json(first));
    expect(again.headers?.['idempotent-replayed']).toBe('true');
    // The same key for a different message: refused, not answered with the first one's success.
    const reused = await send('a', ka, 'k-1', 'something else');
    expect([reused.status, json(reused).error]).toEqual([422, 'idempotency_key_reused']);
    const otherAgent = await send('b', kb, 'k-1', 'mine');
    expect(json(otherAgent).id).not.toBe(json(first).id);
    const otherKey = await send('a', ka, 'k-2', 'hello again');
    expect(json(otherKey).id).not.toBe(json(first).id);
    const texts = json(await req('GET', `/v1/sessions/${sid}/messages?after=1`, { agent: 'a', key: ka })).messages.map((m: Any) => m.text);
    expect(texts).toEqual(['hello', 'mine', 'hello again']);
  });

  it('concurrent repeats share one send; a repeat needs the member key; a bad key header is 400', async () => {
    const { req, json, pair } = setup();
    const { sid, ka } = await pair();
    const send = (key: string | undefined, idem: string) =>
      req('POST', `/v1/sessions/${sid}/messages`, { agent: 'a', ...(key ? { key } : {}), body: { text: 'x' }, headers: { 'idempotency-key': idem } });
    const [r1, r2] = await Promise.all([send(ka, 'same'), send(ka, 'same')]);
    expect(json(r1).id).toBe(json(r2).id);
    expect((await send('f'.repeat(64), 'same')).status).toBe(403);
    expect((await send(ka, 'bad key with spaces')).status).toBe(400);
    const msgs = json(await req('GET', `/v1/sessions/${sid}/messages?after=1`, { agent: 'a', key: ka })).messages;
    expect(msgs).toHaveLength(1);
  });
});

describe('the short pairing link /p/CODE', () => {
  it('agents and curl get the markdown there (any spelling); browsers get the page; only a browser with another spelling is redirected', async () => {
    const { req, json } = setup();
    // Only the creator so far: a full session gets no code (routes-pairing.ts).
    const c = json(await req('PUT', '/v1/sessions', { body: { greeting: 'hi from a', creatorAgentId: 'a', ttl: 600 } }));
    const [sid, ka] = [c.sessionId as string, c.sessionKey as string];
    const code = json(await req('PUT', '/v1/pair', { agent: 'a', key: ka, body: { sessionId: sid } })).code as string;
    for (const [path, accept] of [
      [`/p/${code}`, '*/*'],
      [`/p/${code.toLowerCase()}`, '*/*'],
      [`/p/${code}`, 'text/markdown, text/html;q=0.9'],
    ] as const) {
      const r = await req('GET', path, { headers: { accept } });
      expect(r.status).toBe(200);
      expect(r.headers?.['content-type']).toBe('text/markdown; charset=utf-8');
      expect(String(r.body)).toContain(`| Pairing code | \`${code}\` |`);
    }
    const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
    const page = await req('GET', `/p/${code}`, { headers: { accept: BROWSER } });
    expect(page.status).toBe(200);
    expect(page.headers?.['content-type']).toBe('text/html; charset=utf-8');
    const moved = await req('GET', `/p/${code.toLowerCase()}`, { headers: { accept: BROWSER } });
    expect(moved.status).toBe(301);
    expect(moved.headers?.location).toBe(`/v1/pair/${code}/skill`);
  });
});

describe('over loopback HTTP', () => {
  let hub: RunningNexus | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  it('a client that closes its parked poll (or stream) leaves no waiter', async () => {
    hub = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    const url = hub.url;
    const post = async (path: string, headers: Record<string, string>, body: unknown) => {
      const r = await fetch(url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
      return (await r.json()) as Any;
    };
    const c = await post('/v1/sessions', {}, { creatorAgentId: 'a' });
    const j = await post(`/v1/sessions/${c.sessionId}/join`, { 'x-agent-id': 'b' }, {});
    const open = (path: string) => {
      const r = request(url + path, { headers: { 'x-agent-id': 'b', 'x-session-key': j.sessionKey }, agent: false });
      r.on('error', () => {});
      r.end();
      return r;
    };
    const poll = open(`/v1/sessions/${c.sessionId}/messages?after=1&wait=50`);
    const sse = open(`/v1/sessions/${c.sessionId}/messages/stream?after=1`);
    await waitFor(() => hub!.waiters.count(c.sessionId) === 2, 5000, 'two waiters');
    poll.destroy();
    sse.destroy();
    await waitFor(() => hub!.waiters.count() === 0, 5000, 'no waiter left');
  });

  it('a parked poll over HTTP answers plain JSON clients when a message arrives', async () => {
    hub = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    const url = hub.url;
    const c = (await (await fetch(`${url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ creatorAgentId: 'a' }) })).json()) as Any;
    const j = (await (await fetch(`${url}/v1/sessions/${c.sessionId}/join`, { method: 'POST', headers: { 'x-agent-id': 'b' } })).json()) as Any;
    const parked = fetch(`${url}/v1/sessions/${c.sessionId}/messages?after=1&wait=30`, { headers: { 'x-agent-id': 'b', 'x-session-key': j.sessionKey } });
    await waitFor(() => hub!.waiters.count(c.sessionId) === 1, 5000, 'a parked poll');
    await fetch(`${url}/v1/sessions/${c.sessionId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-agent-id': 'a', 'x-session-key': c.sessionKey }, body: JSON.stringify({ text: 'hi b' }) });
    const r = await parked;
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json; charset=utf-8');
    const b = (await r.json()) as Any;
    expect(b.messages.map((m: Any) => [m.text, m.mine])).toEqual([['hi b', false]]);
  });
});

describe('pairing links as pasted (client side)', () => {
  it('finds the server and the code in short and long links; a bare code is not a link', async () => {
    const { parsePairingLink } = await import('../src/nexus/pairing-link.ts');
    expect(parsePairingLink('https://messaging.md/p/pearl-focal-s5sjv')).toEqual({ server: 'https://messaging.md', code: 'PEARL-FOCAL-S5SJV' });
    expect(parsePairingLink(' http://127.0.0.1:3000/v1/pair/PEARL-FOCAL-S5SJV/skill?format=md ')).toEqual({ server: 'http://127.0.0.1:3000', code: 'PEARL-FOCAL-S5SJV' });
    expect(parsePairingLink('https://example.org/nexus/p/A-B-C1234')).toEqual({ server: 'https://example.org/nexus', code: 'A-B-C1234' });
    expect(parsePairingLink('PEARL-FOCAL-S5SJV')).toBeNull();
    expect(parsePairingLink('ftp://x/p/A-B-C')).toBeNull();
  });

  it("what a chat wraps a link or code in is not part of it: <...>, quotes, brackets, the sentence's full stop", async () => {
    const { parsePairingLink, unwrapPasted } = await import('../src/nexus/pairing-link.ts');
    const want = { server: 'https://messaging.md', code: 'PEARL-FOCAL-S5SJV' };
    for (const pasted of ['https://messaging.md/p/PEARL-FOCAL-S5SJV.', '<https://messaging.md/p/PEARL-FOCAL-S5SJV>', '‹https://messaging.md/p/PEARL-FOCAL-S5SJV>', '"https://messaging.md/p/PEARL-FOCAL-S5SJV",', '(https://messaging.md/p/PEARL-FOCAL-S5SJV)!']) {
      expect(parsePairingLink(pasted), pasted).toEqual(want);
    }
    expect(unwrapPasted(' "PEARL-FOCAL-S5SJV". ')).toBe('PEARL-FOCAL-S5SJV');
    expect(parsePairingLink('https://messaging.md/p/')).toBeNull();
  });
});
