// `npm start -- --redis URL --instances N` (hub.mjs start): N of each server on one Redis, every
// URL printed, any instance serving what another stored; and a clear refusal without Redis.
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runScript, spawnScript } from './helpers/cli.ts';
import { deletePrefix, haveRedis, REDIS_URL, testPrefix } from './helpers/redis.ts';

const ok = await haveRedis();
const prefix = testPrefix('hub');
afterAll(() => (ok ? deletePrefix(prefix) : undefined));

describe('hub.mjs start --instances', () => {
  it('more than one instance without Redis is a usage error (exit 2)', async () => {
    const r = await runScript(`${ROOT}scripts/hub.mjs`, ['start', '--instances', '2', '--messenger-port', '0', '--nexus-port', '0'], { REDIS_URL: '' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr + r.stdout).toMatch(/needs --redis/);
  });

  it.skipIf(!ok)('a busy port with --redis exits 1 (its Redis connections closed) instead of hanging', async () => {
    const busy = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => busy.once('listening', r));
    const port = (busy.address() as { port: number }).port;
    try {
      const r = await runScript(`${ROOT}scripts/hub.mjs`, ['start', '--redis', REDIS_URL, '--messenger-port', '0', '--nexus-port', String(port)], { REDIS_PREFIX: prefix });
      expect(r.exitCode).toBe(1);
    } finally {
      busy.close();
    }
  });

  it.skipIf(!ok)('starts two of each on one Redis; a session made on one is served by the other', async () => {
    const hub = spawnScript(`${ROOT}scripts/hub.mjs`, ['start', '--redis', REDIS_URL, '--instances', '2', '--messenger-port', '0', '--nexus-port', '0'], { REDIS_PREFIX: prefix });
    try {
      const started = JSON.parse(await hub.waitLine((l) => l.includes('"listening"'))) as Record<string, unknown>;
      const nexus = started.nexusUrls as string[];
      const messengers = started.messengerUrls as string[];
      expect([nexus.length, messengers.length, started.storage]).toEqual([2, 2, 'redis']);
      const created = (await (await fetch(`${nexus[0]}/v1/sessions`, { method: "PUT", headers: { "content-type": "application/json" }, body: "{\"creatorAgentId\":\"a\"}" })).json()) as { sessionId: string };
      const status = await fetch(`${nexus[1]}/v1/sessions/${created.sessionId}`);
      expect(status.status).toBe(200);
      for (const m of messengers) expect(((await (await fetch(`${m}/health`)).json()) as { status: string }).status).toBe("ok");
    } finally {
      hub.proc.kill('SIGTERM');
      await hub.proc;
    }
  });
});
