// A local hub serves a team of local agents (issue 19, build 7): every agent comes from
// 127.0.0.1, so the servers' per-address limits (made for the internet) must not throttle them
// there; `serve` keeps those limits, and a hub that is not on loopback, or sits behind a proxy
// (TRUST_PROXY), keeps them too.
import { describe, expect, it } from 'vitest';
import { hubEnv } from '../src/hub-defaults.ts';
import { startHub } from '../src/hub.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer } from '../src/nexus/server/server.ts';
import { postJson } from '../src/opennexus/transport.ts';
import { rawStream } from './helpers/raw-sse.ts';

/** 150 creates, 5 at a time: the statuses seen. */
async function creates(url: string): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < 30; i++) {
    const rs = await Promise.all(Array.from({ length: 5 }, () => fetch(`${url}/v1/sessions`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"creatorAgentId":"a"}' })));
    for (const r of rs) seen.add(r.status);
  }
  return seen;
}

describe('the local hub', () => {
  it('150 session creates and 300 messenger posts in a burst from 127.0.0.1, and 40 streams: none refused', async () => {
    const hub = await startHub({ env: {}, messengerPort: 0, nexusPort: 0, dataDir: null });
    try {
      expect(await creates(hub.nexusUrl)).toEqual(new Set([201]));
      const body = (n: number) => JSON.stringify({ protocol_version: '0.1.0', sender_id: 'S', receiver_id: 'X', type: 'data', session_id: 'x', ciphertext: 'c', counter: n });
      const statuses = await Promise.all(Array.from({ length: 300 }, (_, n) => postJson(`${hub.messengerUrl}/v1/messages`, body(n), { 'X-Agent-ID': 'S' }, 10_000).then((r) => r.status)));
      expect(new Set(statuses)).toEqual(new Set([200]));
      const streams = await Promise.all(Array.from({ length: 40 }, (_, i) => rawStream(hub.messengerUrl, `agent-${i}`)));
      for (const s of streams) s.close();
    } finally {
      await hub.close();
    }
  }, 30_000);

  it('`serve` keeps its internet-safe limit (the same creates are refused past 100 a minute)', async () => {
    const s = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    try {
      expect((await creates(s.url)).has(429)).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('the raised limits apply only on loopback and without a proxy in front; what is set wins', () => {
    expect(hubEnv({}, '127.0.0.1').RATE_LIMIT_MAX).toBe('100000');
    expect(hubEnv({}, '::1').RATE_LIMIT).toBe('0');
    expect(hubEnv({ RATE_LIMIT_MAX: '50' }, '127.0.0.1').RATE_LIMIT_MAX).toBe('50');
    expect(hubEnv({}, '0.0.0.0').RATE_LIMIT_MAX).toBeUndefined();
    expect(hubEnv({}, '192.168.1.5').MAX_STREAMS_PER_IP).toBeUndefined();
    expect(hubEnv({ TRUST_PROXY: '1' }, '127.0.0.1').RATE_LIMIT_MAX).toBeUndefined();
    expect(hubEnv({}, '127.0.0.1').PAIR_FAIL_LIMIT).toBeUndefined(); // guessing pairing codes stays limited
  });
});
