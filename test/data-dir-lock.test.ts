// One server per data directory (issue 19, build 2): a second session server, messenger or hub
// on a directory in use is refused at once, naming the directory and the holder's pid; the first
// keeps its data; a lock left by `kill -9` is taken over. Two servers on one journal lost
// answered sends (the second one's compaction deleted the file the first kept writing to).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUse, lockDataDir } from '../src/store/data-dir-lock.ts';
import { ROOT, runScript, spawnScript } from './helpers/cli.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;
const OPENNEXUS = `${ROOT}scripts/opennexus.mjs`;
const HUB = `${ROOT}scripts/hub.mjs`;
const dir = () => mkdtempSync(join(tmpdir(), 'data-dir-lock-'));

type Proc = ReturnType<typeof spawnScript>;
const procs: Proc[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) p.proc.kill('SIGKILL');
});

async function listening(script: string, args: string[], env: Record<string, string>): Promise<Proc & { url: string }> {
  const p = spawnScript(script, args, env);
  procs.push(p);
  const line = JSON.parse(await p.waitLine((l) => l.includes('"listening"'))) as { url?: string; nexusUrl?: string };
  return { ...p, url: line.url ?? line.nexusUrl! };
}

/** A second server on the same directory: exit 1 at once, one line naming the directory and the pid. */
async function refused(script: string, args: string[], env: Record<string, string>, d: string, holder: number) {
  const r = await runScript(script, args, env);
  expect(r.exitCode, r.stdout + r.stderr).toBe(1);
  const text = `${r.stdout}\n${r.stderr}`;
  expect(text).toContain('is in use by another server');
  expect(text).toContain(d);
  expect(text).toContain(`pid ${holder}`);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('data directory lock', () => {
  it('in one process: the second taker is refused with our own pid; after release it is free', async () => {
    const d = dir();
    const lock = await lockDataDir(d);
    const second = await lockDataDir(d).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(DataDirInUse);
    expect((second as DataDirInUse).holderPid).toBe(process.pid);
    await lock.release();
    await (await lockDataDir(d)).release();
  });

  it('session server: a second one is refused, the first keeps its data; after kill -9 the lock is taken over', async () => {
    const d = dir();
    const env = { DATA_DIR: d };
    const first = await listening(NEXUS, ['serve', '--port', '0'], env);
    const created = await fetch(`${first.url}/v1/sessions`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"creatorAgentId":"a"}' });
    expect(created.status).toBe(201);
    const { sessionId } = (await created.json()) as { sessionId: string };
    await refused(NEXUS, ['serve', '--port', '0'], env, d, first.proc.pid!);
    expect((await fetch(`${first.url}/v1/sessions/${sessionId}`)).status).toBe(200); // still serving its data
    first.proc.kill('SIGKILL');
    await first.proc;
    const again = await listening(NEXUS, ['serve', '--port', '0'], env);
    expect((await fetch(`${again.url}/v1/sessions/${sessionId}`)).status).toBe(200);
  });

  it('messenger: a second one is refused; after kill -9 the lock is taken over', async () => {
    const d = dir();
    const env = { DATA_DIR: d };
    const first = await listening(OPENNEXUS, ['serve', '--port', '0'], env);
    await refused(OPENNEXUS, ['serve', '--port', '0'], env, d, first.proc.pid!);
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    first.proc.kill('SIGKILL');
    await first.proc;
    await listening(OPENNEXUS, ['serve', '--port', '0'], env);
  });

  it('hub: a second hub on the same state dir is refused, and so is a session server or messenger on its directories', async () => {
    const state = dir();
    const env = { NEXUS_STATE_DIR: state };
    const ports = ['start', '--messenger-port', '0', '--nexus-port', '0'];
    const hub = await listening(HUB, ports, env);
    const pid = hub.proc.pid!;
    await refused(HUB, ports, env, join(state, 'messenger'), pid); // the first it tries
    await refused(NEXUS, ['serve', '--port', '0'], env, join(state, 'nexus-server'), pid);
    await refused(OPENNEXUS, ['serve', '--port', '0'], env, join(state, 'messenger'), pid);
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
  }, 30_000);
});
