// The agent-side NexusMessaging workflows (src/nexus/agent.ts) against a real session server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NexusAgent } from '../src/nexus/agent.ts';
import { NexusClient } from '../src/nexus/client.ts';
import { InvalidServerValue, NexusState, StateDirError } from '../src/nexus/state.ts';
import { nexusConfig } from '../src/nexus/server/config.ts';
import { startNexusServer, type RunningNexus } from '../src/nexus/server/server.ts';
import { startHostile, type HostileServer } from './helpers/hostile-server.ts';

let server: RunningNexus | undefined;
let hostile: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  await hostile?.close();
  server = hostile = undefined;
});

const agentAt = (url: string, dir = mkdtempSync(join(tmpdir(), 'agent-'))) => new NexusAgent(new NexusState(dir), (saved) => new NexusClient({ url: saved?.server ?? url, timeoutMs: 5000 }));

describe('NexusAgent', () => {
  it('create, pair, claim, send, poll: state saved at each step; the cursor moves on', async () => {
    server = await startNexusServer(nexusConfig({}, { dataDir: null, port: 0 }));
    const a = agentAt(server.url);
    const b = agentAt(server.url);
    const created = await a.create({ greeting: 'hello', creatorAgentId: 'alice' });
    expect(created.r.status).toBe(201);
    const sid = String(created.r.body!.sessionId);
    const aSaved = await a.state.load(sid);
    expect(aSaved).toMatchObject({ agent: 'alice', server: server.url });
    expect(aSaved.key).toBeTruthy();
    const code = String((await new NexusClient({ url: server.url }).pair(sid, 'alice', aSaved.key)).body!.code);
    const claimed = await b.claim(code, 'bob');
    expect(claimed.stateError).toBeUndefined();
    const bSaved = await b.state.load(sid);
    expect(bSaved).toMatchObject({ agent: 'bob' });
    expect((await a.send(aSaved, 'alice', 'hi bob')).r.status).toBe(201);
    const first = await b.poll(bSaved, 'bob');
    const texts = (first.r.body!.messages as Array<{ text: string }>).map((m) => m.text);
    expect(texts).toContain('hi bob');
    const cursor = (await b.state.load(sid)).cursor;
    expect(cursor).toBe(first.r.body!.nextCursor);
    const again = await b.poll(await b.state.load(sid), 'bob');
    expect(again.r.body!.messages).toEqual([]);
  });

  it('a hostile cursor is not saved; an unwritable state dir refuses before any request', async () => {
    hostile = await startHostile((_req, res, h) => h.json(res, 200, { messages: [], nextCursor: '../../etc' }));
    const a = agentAt(hostile.url);
    const res = await a.poll({ sessionId: 'S1', agent: 'me', server: hostile.url }, 'me');
    expect(res.stateError).toBeInstanceOf(InvalidServerValue);
    expect((await a.state.load('S1')).cursor).toBeUndefined();
    const file = join(mkdtempSync(join(tmpdir(), 'agent-ro-')), 'file');
    writeFileSync(file, '');
    const ro = agentAt(hostile.url, join(file, 'state'));
    const before = hostile.requests.length;
    await expect(ro.claim('CODE', 'me')).rejects.toBeInstanceOf(StateDirError);
    expect(hostile.requests.length).toBe(before);
  });
});
