// The order of transitions on one session while their writes are in flight
// (store/session-flights.ts): applied in the order they ran whatever order their writes end in,
// a failed write answered at once and what follows restarted from what is stored, idle() waits.
import { describe, expect, it } from 'vitest';
import type { SessionRecord, Update } from '../src/store/nexus-store.ts';
import { SessionFlights, type WriteKind } from '../src/store/session-flights.ts';

const rec = (headCursor: number, ttl = 60): SessionRecord => ({
  sessionId: 's',
  ttl,
  maxAgents: 2,
  createdAt: 0,
  expiresAt: 1e15,
  creatorAgentId: null,
  greeting: null,
  agents: [],
  headCursor,
  cronReminderSent: false,
});

function harness() {
  let stored: SessionRecord | null = rec(0);
  const applied: string[] = [];
  const writes: { label: string; done: () => void; fail: (e: Error) => void }[] = [];
  const flights = new SessionFlights({
    stored: () => stored,
    // A new ttl stands for a material change; a head that moves for a message; else nothing to write.
    kind: (base, u) => (u.next && base && u.next.ttl !== base.ttl ? 'material' : u.next && base && u.next.headCursor !== base.headCursor ? 'message' : 'none'),
    write: (_id, _base, u) =>
      new Promise<void>((done, fail) => writes.push({ label: String((u.result as { label: string }).label), done, fail })),
    apply: <T>(_id: string, u: Update<T, SessionRecord>, _kind: WriteKind) => {
      if (u.next !== undefined) stored = u.next;
      applied.push(String((u.result as { label: string }).label));
      return u.result;
    },
  });
  const send = (label: string) => flights.run('s', (s) => ({ next: { ...s!, headCursor: s!.headCursor + 1 }, result: { label, cursor: s!.headCursor + 1 } }));
  const slide = (label: string) => flights.run('s', (s) => ({ next: { ...s! }, result: { label, cursor: s!.headCursor } }));
  const material = (label: string) => flights.run('s', (s) => ({ next: { ...s!, ttl: s!.ttl + 1 }, result: { label, cursor: s!.headCursor } }));
  const write = (label: string) => writes.find((w) => w.label === label)!;
  return { flights, applied, writes, write, send, slide, material, stored: () => stored };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('session flights', () => {
  it('applies sends in the order they ran, whatever order their writes end in; a slide waits behind them', async () => {
    const h = harness();
    const a = h.send('a');
    const b = h.send('b');
    const c = h.send('c');
    const s = h.slide('s');
    expect(h.flights.busy('s')).toBe(true);
    h.write('c').done();
    h.write('b').done();
    await tick();
    expect(h.applied).toEqual([]);
    h.write('a').done();
    expect(await Promise.all([a, b, c, s])).toEqual([
      { label: 'a', cursor: 1 },
      { label: 'b', cursor: 2 },
      { label: 'c', cursor: 3 },
      { label: 's', cursor: 3 },
    ]);
    expect(h.applied).toEqual(['a', 'b', 'c', 's']);
    await h.flights.idle();
    expect(h.flights.busy('s')).toBe(false);
    expect(h.stored()!.headCursor).toBe(3);
    // Nothing in flight: a slide is answered at once, without a promise.
    expect(h.slide('now')).toEqual({ label: 'now', cursor: 3 });
  });

  it('a failed write is answered at once and never applied; later transitions restart from what is stored', async () => {
    const h = harness();
    const a = h.send('a');
    const b = h.send('b');
    const c = h.send('c');
    h.write('b').fail(new Error('ENOSPC'));
    await expect(b).rejects.toThrow('ENOSPC');
    expect(h.flights.blocked('s')).toBe(true);
    const d = h.send('d'); // waits: it must not build on b
    h.write('a').done();
    h.write('c').done();
    expect(await a).toEqual({ label: 'a', cursor: 1 });
    expect(await c).toEqual({ label: 'c', cursor: 3 }); // a gap at 2, never a reused cursor
    await tick();
    h.write('d').done();
    expect(await d).toEqual({ label: 'd', cursor: 4 });
    expect(h.applied).toEqual(['a', 'c', 'd']);
    await h.flights.idle();
    expect(h.flights.busy('s')).toBe(false);
  });

  it('a material change waits for the sends in flight and runs again on what they stored; sends after it wait for it', async () => {
    const h = harness();
    const a = h.send('a');
    const m = h.material('m');
    const b = h.send('b');
    expect(h.writes.map((w) => w.label)).toEqual(['a']);
    h.write('a').done();
    await a;
    await tick();
    expect(h.writes.map((w) => w.label)).toEqual(['a', 'm']);
    h.write('m').done();
    expect(await m).toEqual({ label: 'm', cursor: 1 });
    await tick();
    h.write('b').done();
    expect(await b).toEqual({ label: 'b', cursor: 2 });
    expect(h.applied).toEqual(['a', 'm', 'b']);
    expect(h.stored()!.ttl).toBe(61);
    const idle = h.flights.idle();
    await idle;
    expect(h.flights.busy('s')).toBe(false);
  });

  it('idle() waits for every flight, also those started while it waits', async () => {
    const h = harness();
    void h.send('a');
    let idle = false;
    const waiting = h.flights.idle().then(() => (idle = true));
    await tick();
    void h.material('m');
    h.write('a').done();
    await tick();
    expect(idle).toBe(false);
    h.write('m').done();
    await waiting;
    expect(h.applied).toEqual(['a', 'm']);
  });
});
