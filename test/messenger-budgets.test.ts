// The messenger's memory under floods (attacks, bounded in count and time): a stream that never
// reads, maximum-size escape-heavy messages for agents with no stream, long agent ids.
import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createMessenger } from '../src/opennexus/messenger/app.ts';
import { messengerConfig } from '../src/opennexus/messenger/config.ts';
import { startMessenger, type RunningMessenger } from '../src/opennexus/messenger/server.ts';
import { MemoryMessengerStore } from '../src/store/messenger-store.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { call, waitFor } from './helpers/http.ts';
import { counters, rawStream } from './helpers/raw-sse.ts';

let m: RunningMessenger | undefined;
afterEach(async () => {
  await m?.close();
  m = undefined;
});

async function start(env: Record<string, string>) {
  m = await startMessenger(messengerConfig({ RATE_LIMIT: '0', ...env }, { port: 0 }));
  return m;
}

/** A DATA body of exactly 64 KiB whose ciphertext is all `<`: each becomes six bytes when relayed. */
function maxBody(receiver: string, counter: number): string {
  const shell = JSON.stringify({ protocol_version: '0.1.0', type: 'data', sender_id: 'S', receiver_id: receiver, session_id: 'x', counter, ciphertext: '' });
  return shell.replace('"ciphertext":""', `"ciphertext":"${'<'.repeat(65536 - shell.length)}"`);
}

const post = (url: string, body: string) => postJson(`${url}/v1/messages`, body, { 'X-Agent-ID': 'S' }, 10_000);

describe('a stream that stops reading', () => {
  it('is closed at its byte budget, never holds more, and its next stream gets every message', async () => {
    const budget = 1 << 20;
    const { url, messenger } = await start({ STREAM_BUFFER_BYTES: String(budget), OFFLINE_QUEUE_BYTES: String(256 << 20), OFFLINE_QUEUE_MAX: '1000' });
    // the server side of the stream, to measure what node:http itself buffers for it
    const responses: ServerResponse[] = [];
    m!.server.on('request', (req, res) => {
      if (req.url?.startsWith('/v1/messages/stream')) responses.push(res);
    });
    const slow = await rawStream(url, 'SLOW');
    slow.res.pause(); // reads nothing more: the kernel buffers fill, then the server's would
    expect(responses).toHaveLength(1);
    const res = responses[0]!;
    expect(messenger.hub.streamCount('SLOW')).toBe(1);
    let posted = 0;
    let worst = 0;
    // Loopback kernel buffers take some MB first; 200 messages of ~390 KB are far more.
    while (messenger.hub.streamCount('SLOW') > 0 && posted < 200) {
      expect((await post(url, maxBody('SLOW', ++posted))).status).toBe(200);
      worst = Math.max(worst, messenger.hub.maxStreamBytes(), res.writableLength);
    }
    expect(messenger.hub.streamCount('SLOW')).toBe(0); // closed, not buffered without end
    expect(worst).toBeLessThanOrEqual(budget);
    expect(res.writableLength).toBeLessThanOrEqual(budget);
    for (let i = 0; i < 3; i++) expect((await post(url, maxBody('SLOW', ++posted))).status).toBe(200);
    slow.close();
    // Whatever the slow stream had not sent, and what came after, reaches its next stream.
    const next = await rawStream(url, 'SLOW');
    await waitFor(() => counters(next.frames).length >= posted, 20_000, `${posted} frames`);
    expect(counters(next.frames)).toEqual(Array.from({ length: posted }, (_, i) => i + 1));
    next.close();
  }, 60_000);
});

describe('offline queue under a flood of maximum-size, escape-heavy messages', () => {
  it('stays within its byte budgets per agent and in total; a full queue answers 503', async () => {
    const perAgent = 2 << 20;
    const total = 6 << 20;
    // no per-address share here: one address fills the total (messenger-share.test.ts has the shares)
    const { url, store } = await start({ OFFLINE_QUEUE_BYTES: String(perAgent), OFFLINE_QUEUE_TOTAL_BYTES: String(total), OFFLINE_QUEUE_ADDRESS_BYTES: '0' });
    const statuses: number[] = [];
    for (let i = 1; i <= 40; i++) {
      const r = await post(url, maxBody(`V${i % 4}`, i));
      statuses.push(r.status);
      if (r.status === 503) expect(JSON.parse(r.body)).toEqual({ error: 'offline queue full' });
      expect((await store.usage()).bytes).toBeLessThanOrEqual(total);
    }
    expect(statuses.slice(0, 12)).toEqual(Array(12).fill(200));
    expect(statuses).toContain(503);
    // What a stream would get, measured from the frames themselves
    let sum = 0;
    for (let a = 0; a < 4; a++) {
      const frames = await store.drain(`V${a}`, Date.now());
      const bytes = frames.reduce((n, f) => n + f.frame.length, 0);
      expect(bytes).toBeLessThanOrEqual(perAgent);
      expect(frames.length).toBeGreaterThan(0);
      sum += bytes;
    }
    expect(sum).toBeLessThanOrEqual(total);
  }, 30_000);

  it('one agent flooded keeps only its newest messages within its budget', async () => {
    const perAgent = 2 << 20;
    const { url, store } = await start({ OFFLINE_QUEUE_BYTES: String(perAgent) });
    for (let i = 1; i <= 30; i++) expect((await post(url, maxBody('ONE', i))).status).toBe(200);
    const frames = await store.drain('ONE', Date.now());
    expect(frames.reduce((n, f) => n + f.frame.length, 0)).toBeLessThanOrEqual(perAgent);
    const got = counters(frames.map((f) => new TextDecoder().decode(f.frame)));
    expect(got.at(-1)).toBe(30);
    expect(got).toEqual(Array.from({ length: got.length }, (_, i) => 31 - got.length + i));
  }, 30_000);
});

describe('presence', () => {
  it('refuses agent ids longer than 256 characters (ids are 44) instead of storing them', async () => {
    const store = new MemoryMessengerStore({ maxPerAgent: 100, ttlMs: 1000, maxTotal: 100 });
    const { handler } = createMessenger({ config: messengerConfig({}), store });
    const beat = (id: string) => call(handler, 'POST', '/v1/presence/heartbeat', { headers: { 'X-Agent-ID': id } });
    expect((await beat('a'.repeat(256))).status).toBe(200);
    const long = await beat('a'.repeat(257));
    expect([long.status, long.body]).toEqual([400, '{"error":"X-Agent-ID header is too long"}']);
    expect(store.presenceEntries).toBe(1);
  });
});
