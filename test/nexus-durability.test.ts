// Acknowledged state survives `kill -9` (acceptance 3, nexus spec §2.2 "persist headCursor"):
// a session server process gets SIGKILL in the middle of a burst of creates and sends; after
// a restart on the same DATA_DIR every create that was answered 201 still exists, and every
// cursor handed out is above every cursor acknowledged before (a reused cursor makes clients
// skip messages silently). Leftover temp files are gone. And (beyond nexus spec §2.2, where the
// reference keeps messages in memory only) every send answered 201 is still there after the
// restart, with its cursor, in order, once.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, spawnScript } from './helpers/cli.ts';

const NEXUS = `${ROOT}scripts/nexus.mjs`;

async function serve(dataDir: string) {
  const p = spawnScript(NEXUS, ['serve', '--port', '0'], { DATA_DIR: dataDir, RATE_LIMIT_MAX: '1000000' });
  const { url } = JSON.parse(await p.waitLine((l) => l.includes('"listening"'))) as { url: string };
  return { ...p, url };
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; json: Record<string, string> }> {
  const r = await fetch(url, { method: url.endsWith('/v1/sessions') ? 'PUT' : 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: r.status, json: (await r.json()) as Record<string, string> };
}

describe('kill -9 during a burst (acceptance 3)', () => {
  it('no answered create is lost and no acknowledged cursor is handed out again', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-kill-'));
    const first = await serve(dataDir);
    const created = new Map<string, { key: string; acked: number }>();
    let stop = false;
    let killed = false;
    // 16 clients create sessions and send into them; the server dies once 60 creates and 150
    // sends were answered, with requests still in flight.
    let sends = 0;
    const worker = async () => {
      while (!stop) {
        try {
          const c = await post(`${first.url}/v1/sessions`, {}, { creatorAgentId: 'w' });
          if (c.status !== 201) continue;
          const s = { key: c.json.sessionKey!, acked: 0 };
          created.set(c.json.sessionId!, s);
          for (let i = 0; i < 4 && !stop; i++) {
            const m = await post(`${first.url}/v1/sessions/${c.json.sessionId}/messages`, { 'x-agent-id': 'w', 'x-session-key': s.key }, { text: `m${i}` });
            if (m.status === 201) s.acked = Math.max(s.acked, Number(m.json.cursor));
            if (m.status === 201 && ++sends >= 150 && created.size >= 60 && !killed) {
              killed = true;
              first.proc.kill('SIGKILL');
            }
          }
        } catch {
          stop = true; // the server is gone
        }
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    await first.proc;
    expect(killed).toBe(true);
    writeFileSync(join(dataDir, 'snapshot.ndjson.999.1.tmp'), '{"gen":'); // as if a compaction died half-way

    const second = await serve(dataDir);
    try {
      expect(readdirSync(dataDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
      const lost: string[] = [];
      const reused: string[] = [];
      for (const [sid, s] of created) {
        const st = await fetch(`${second.url}/v1/sessions/${sid}`);
        if (st.status !== 200) {
          lost.push(sid);
          continue;
        }
        const m = await post(`${second.url}/v1/sessions/${sid}/messages`, { 'x-agent-id': 'w', 'x-session-key': s.key }, { text: 'after the crash' });
        expect(m.status).toBe(201);
        if (Number(m.json.cursor) <= s.acked) reused.push(`${sid}: ${m.json.cursor} <= ${s.acked}`);
      }
      expect(lost, `${lost.length} of ${created.size} answered creates were lost`).toEqual([]);
      expect(reused, 'cursors handed out again after the restart').toEqual([]);
    } finally {
      second.proc.kill('SIGTERM');
      await second.proc;
    }
  }, 60_000);
});

interface Acked {
  cursor: number;
  text: string;
}

/** Every message of a session after cursor 0, page by page. */
async function allMessages(url: string, sid: string, key: string): Promise<{ cursor: string; text: string }[]> {
  const out: { cursor: string; text: string }[] = [];
  let after = '0';
  for (let page = 0; page < 100; page++) {
    const r = await fetch(`${url}/v1/sessions/${sid}/messages?after=${after}&limit=100`, { headers: { 'x-agent-id': 'w', 'x-session-key': key } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { messages: { cursor: string; text: string }[]; nextCursor: string; hasMore: boolean };
    out.push(...body.messages);
    after = body.nextCursor;
    if (!body.hasMore) return out;
  }
  throw new Error('too many pages');
}

describe('kill -9 during a burst of sends', () => {
  it('every send answered 201 is there after the restart: same cursor, in order, once', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nexus-kill-msgs-'));
    const first = await serve(dataDir);
    // 6 sessions, 4 concurrent senders each (sends on one session share fdatasyncs); the server
    // dies once 300 sends were answered, with others in flight. At most ~130 per session: well
    // within the message budget, so none is dropped for lack of room.
    const sessions: { sid: string; key: string; acked: Acked[] }[] = [];
    for (let i = 0; i < 6; i++) {
      const c = await post(`${first.url}/v1/sessions`, {}, { creatorAgentId: 'w' });
      expect(c.status).toBe(201);
      sessions.push({ sid: c.json.sessionId!, key: c.json.sessionKey!, acked: [] });
    }
    let answered = 0;
    let killed = false;
    const sender = async (s: (typeof sessions)[number], w: number) => {
      for (let i = 0; i < 200 && !killed; i++) {
        const text = `w${w} m${i}`;
        let m;
        try {
          m = await post(`${first.url}/v1/sessions/${s.sid}/messages`, { 'x-agent-id': 'w', 'x-session-key': s.key }, { text });
        } catch {
          return; // the server is gone
        }
        expect(m.status).toBe(201);
        s.acked.push({ cursor: Number(m.json.cursor), text });
        if (++answered >= 300 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(sessions.flatMap((s) => [0, 1, 2, 3].map((w) => sender(s, w))));
    await first.proc;
    expect(killed).toBe(true);

    const second = await serve(dataDir);
    try {
      for (const s of sessions) {
        const got = await allMessages(second.url, s.sid, s.key);
        const cursors = got.map((m) => Number(m.cursor));
        expect(cursors.every((c, i) => i === 0 || c > cursors[i - 1]!), 'cursors strictly increasing').toBe(true);
        const byCursor = new Map(got.map((m) => [Number(m.cursor), m.text]));
        expect(new Set(got.map((m) => m.text)).size, 'no message twice').toBe(got.length);
        const missing = s.acked.filter((a) => byCursor.get(a.cursor) !== a.text);
        expect(missing, `answered sends lost in ${s.sid}`).toEqual([]);
        // Each sender's messages in the order it sent them.
        for (let w = 0; w < 4; w++) {
          const mine = got.filter((m) => m.text.startsWith(`w${w} `)).map((m) => Number(m.text.split(' m')[1]));
          expect(mine).toEqual([...mine].sort((x, y) => x - y));
        }
        const after = await post(`${second.url}/v1/sessions/${s.sid}/messages`, { 'x-agent-id': 'w', 'x-session-key': s.key }, { text: 'after the crash' });
        expect(Number(after.json.cursor)).toBeGreaterThan(Math.max(0, ...cursors));
      }
      expect(sessions.reduce((n, s) => n + s.acked.length, 0)).toBeGreaterThanOrEqual(300);
    } finally {
      second.proc.kill('SIGTERM');
      await second.proc;
    }
  }, 60_000);
});
