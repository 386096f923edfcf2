// The session server's sweep and indexes (nexus spec §2.6 expiry, §2.2 code tombstones): it
// deletes in expiry order and in slices, so a large backlog never stalls the event loop, and
// stats and pairing codes of a session never scan every session or code.
import { build } from 'esbuild';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { PAIR_TOMBSTONE_MS } from '../src/nexus/server/sweep.ts';
import { MemoryNexusStore } from '../src/store/memory-nexus-store.ts';
import { call } from './helpers/http.ts';

const T0 = Date.UTC(2026, 10, 21, 12, 0, 0);

describe('sweep (acceptance 2)', () => {
  it('100k sessions and 20k codes: expired ones go, live ones stay, the event loop is never blocked 50 ms', async () => {
    // A process of its own: the measurement sees the sweep, not the test runner's heap.
    const out = join(mkdtempSync(join(tmpdir(), 'sweep-worker-')), 'sweep-worker.mjs');
    await build({ entryPoints: [resolve('test/workers/sweep-worker.ts')], outfile: out, bundle: true, platform: 'node', format: 'esm', loader: { '.md': 'text', '.html': 'text' }, logLevel: 'warning' });
    const r = await execa('node', ['--expose-gc', out, '100000', '20000'], { reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.maxBlockMs, `longest event-loop block during a ${Math.round(res.sweepMs)} ms sweep (longest wall-clock gap ${Math.round(res.maxGapMs)} ms)`).toBeLessThan(50);
    expect(res).toMatchObject({ counts: { sessions: 50_000, agents: 50_000 }, expiredGone: true, liveKept: true, codesGone: true });
  }, 60_000);

  it('a session whose TTL slid is re-filed, not deleted; a code is kept until its tombstone ends', async () => {
    const clock = { t: T0 };
    const store = new MemoryNexusStore();
    const app = createSessionServer({ config: nexusConfig({}, { dataDir: null }), store, now: () => clock.t });
    const req = async (method: string, path: string, agent?: string, body: unknown = {}) =>
      JSON.parse(String((await call(app.handler, method, path, { headers: agent ? { 'x-agent-id': agent } : {}, body: JSON.stringify(body) })).body));
    const live = (await req('PUT', '/v1/sessions', undefined, { ttl: 7200, creatorAgentId: 'a' })).sessionId;
    const idle = (await req('PUT', '/v1/sessions', undefined, { ttl: 120, creatorAgentId: 'a' })).sessionId;
    const code = (await req('PUT', '/v1/pair', undefined, { sessionId: live })).code;
    clock.t += 100_000;
    await req('GET', `/v1/sessions/${live}/messages`, 'a'); // slides `live` to t + 120 s
    clock.t += 30_000;
    await app.sweep();
    expect((await req('GET', `/v1/sessions/${live}`)).sessionId).toBe(live);
    expect((await req('GET', `/v1/sessions/${idle}`)).error).toBe('session_not_found');
    expect((await req('GET', `/v1/pair/${code}/status`)).state).toBe('pending');
    clock.t = T0 + 600_000 + 1;
    await req('GET', `/v1/sessions/${live}/messages`, 'a');
    await app.sweep();
    expect((await req('GET', `/v1/pair/${code}/status`)).state).toBe('expired'); // a tombstone
    clock.t = T0 + 600_000 + PAIR_TOMBSTONE_MS;
    await req('GET', `/v1/sessions/${live}/messages`, 'a');
    await app.sweep();
    expect((await req('GET', `/v1/pair/${code}/status`)).error).toBe('code_not_found');
    // Stats come from counters the store keeps, not from a scan of every session.
    expect(await req('GET', '/v1/stats')).toMatchObject({ activeSessions: 1, totalAgents: 1 });
  });
});
