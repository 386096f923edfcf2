// The session server on a disk that fails (acceptance 3): a write error (ENOSPC, EACCES, EROFS)
// answers 503 storage_unavailable and changes nothing (a send too: its message is written
// before it is answered), reads keep working, the process does not exit, and it recovers by
// itself once the disk takes writes again. Once with injected errors, once (when this machine
// lets us mount one) with a real 64 KiB tmpfs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSessionServer } from '../src/nexus/server/app.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer } from '../src/nexus/server/server.ts';
import { CRON_REMINDER } from '../src/nexus/server/sessions.ts';
import { FileNexusStore } from '../src/store/nexus-file-store.ts';
import { faultyFs } from './helpers/faulty-fs.ts';
import { call, waitFor } from './helpers/http.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

/** Every line of every journal and snapshot file parses (no torn line was left behind; a journal is zeroed past its lines, journal.ts). */
function journalLines(dir: string): unknown[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\0')[0]!.split('\n').filter(Boolean))
    .map((l) => JSON.parse(l));
}

describe('write errors (injected)', () => {
  it('ENOSPC and EACCES answer 503 and change nothing (sends too); reads keep working; it recovers by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexus-disk-'));
    const { fs, state } = faultyFs();
    const now = () => Date.UTC(2026, 10, 21, 12, 0, 0);
    const store = new FileNexusStore(dir, { fs, flushEveryMs: 10 });
    await store.load(now());
    const app = createSessionServer({ config: nexusConfig({ RATE_LIMIT_MAX: '100000' }, { dataDir: dir }), store, now });
    const req = async (method: string, path: string, agent?: string, body: unknown = {}) => {
      const r = await call(app.handler, method, path, { headers: agent ? { 'x-agent-id': agent } : {}, body: JSON.stringify(body) });
      return { status: r.status, headers: r.headers ?? {}, json: JSON.parse(String(r.body)) as Any };
    };
    const sid = (await req('PUT', '/v1/sessions', undefined, { creatorAgentId: 'a', greeting: 'hello', maxAgents: 3 })).json.sessionId;
    expect((await req('POST', `/v1/sessions/${sid}/join`, 'b')).status).toBe(200);

    state.fail = 'ENOSPC';
    state.partial = true;
    const refused = await req('PUT', '/v1/sessions', undefined, { creatorAgentId: 'x' });
    expect([refused.status, refused.json.error, refused.headers['retry-after']]).toEqual([503, 'storage_unavailable', '5']);
    expect(refused.json.message).toContain('ENOSPC');
    const join3 = await req('POST', `/v1/sessions/${sid}/join`, 'c');
    expect([join3.status, join3.json.error]).toEqual([503, 'storage_unavailable']);
    expect((await req('GET', `/v1/sessions/${sid}`)).json.agents).toEqual(['a', 'b']); // nothing changed
    expect((await req('GET', '/health')).json.storage).toBe('unavailable');
    // Reads need no disk; a send does (its message is on disk before it is answered): refused, not stored.
    const texts = async () => (await req('GET', `/v1/sessions/${sid}/messages`, 'b')).json.messages.map((m: Any) => m.text);
    expect(await texts()).toContain('hello');
    const lost = await req('POST', `/v1/sessions/${sid}/messages`, 'a', { text: 'not stored' });
    expect([lost.status, lost.json.error]).toEqual([503, 'storage_unavailable']);
    expect(await texts()).not.toContain('not stored');
    state.fail = 'EACCES';
    expect((await req('PUT', '/v1/sessions', undefined, {})).json.message).toContain('EACCES');

    state.fail = null;
    const later = await req('PUT', '/v1/sessions', undefined, { creatorAgentId: 'y' });
    expect(later.status).toBe(201);
    expect((await req('POST', `/v1/sessions/${sid}/join`, 'c')).status).toBe(200);
    expect((await req('GET', '/health')).json.storage).toBe('ok');
    const sent = await req('POST', `/v1/sessions/${sid}/messages`, 'a', { text: 'stored' });
    expect(sent.status).toBe(201);
    // The lazy writes that failed meanwhile are retried: b's last poll reaches the journal.
    await waitFor(() => journalLines(dir).some((l: Any) => l.s?.sessionId === sid && l.s.agents.some((a: Any) => a.agentId === 'b' && a.lastSeenAt > 0)), 5000, 'the lazy flush');

    await store.close();
    writeFileSync(join(dir, 'snapshot.ndjson.123.456.tmp'), 'left over by a crash');
    const again = new FileNexusStore(dir);
    await again.load(now());
    expect((await again.getSession(sid))?.agents.map((a) => a.agentId)).toEqual(['a', 'b', 'c']);
    const kept = (await again.messagesAfter(sid, -1, 100, 1 << 20)).messages.map((m) => JSON.parse(m.wire) as Any);
    expect(kept.map((m) => m.text)).toEqual(['hello', CRON_REMINDER, 'stored']);
    expect(kept.at(-1).cursor).toBe(sent.json.cursor);
    expect(await again.getSession(later.json.sessionId)).not.toBeNull();
    expect((await again.listSessions()).map((s) => s.creatorAgentId).sort()).toEqual(['a', 'y']); // x was never created
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(() => journalLines(dir)).not.toThrow();
    await again.close();
  });
});

describe('a real full disk (tmpfs)', () => {
  let dir = '';
  let mounted = false;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nexus-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false; // not root, or no mount in this container: the injected test above covers it
    }
  });
  afterAll(() => {
    if (mounted) {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' }); // still busy: detach it now
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('fills up: 503, reads still work, no crash; space returns: creates work again', async (ctx) => {
    if (!mounted) ctx.skip();
    writeFileSync(join(dir, 'ballast'), Buffer.alloc(40 * 1024));
    let s = await startNexusServer(nexusConfig({ RATE_LIMIT_MAX: '100000' }, { dataDir: dir, port: 0 }));
    try {
      const req = async (method: string, path: string, body?: unknown) => {
        const r = await fetch(s.url + path, { method, headers: { 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: r.status, json: (await r.json()) as Any };
      };
      const created: string[] = [];
      let last = await req('PUT', '/v1/sessions', { greeting: 'g'.repeat(2000), creatorAgentId: 'a' });
      for (let i = 0; last.status === 201 && i < 100; i++) {
        created.push(last.json.sessionId);
        last = await req('PUT', '/v1/sessions', { greeting: 'g'.repeat(2000), creatorAgentId: 'a' });
      }
      expect([last.status, last.json.error]).toEqual([503, 'storage_unavailable']);
      expect(created.length).toBeGreaterThan(0);
      expect((await req('GET', `/v1/sessions/${created[0]}`)).status).toBe(200);
      expect((await req('GET', '/health')).json.storage).toBe('unavailable');
      // A restart on the full disk starts and serves (it used to exit again at once).
      await s.close();
      s = await startNexusServer(nexusConfig({ RATE_LIMIT_MAX: '100000' }, { dataDir: dir, port: 0 }));
      expect((await req('GET', `/v1/sessions/${created[0]}`)).status).toBe(200);
      expect((await req('PUT', '/v1/sessions', { creatorAgentId: 'a' })).json.error).toBe('storage_unavailable');
      rmSync(join(dir, 'ballast'));
      const after = await req('PUT', '/v1/sessions', { greeting: 'back', creatorAgentId: 'a' });
      expect(after.status).toBe(201);
      expect((await req('GET', '/health')).json.storage).toBe('ok');
    } finally {
      await s.close();
    }
    expect(existsSync(join(dir, 'snapshot.ndjson'))).toBe(true);
  });
});
