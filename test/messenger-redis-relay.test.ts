// The Redis relay's delivery rules (src/redis/messenger-relay.ts) with a fake store and channel,
// so each interleaving of a stream's drain and a published frame is run on purpose: a frame the
// drain already has is written once, one published after the drain is written after the
// backlog and acknowledged, a refused one is not acknowledged (it stays waiting), and a
// restored subscription closes the streams so they drain what they missed.
import { describe, expect, it } from 'vitest';
import { Hub } from '../src/opennexus/messenger/hub.ts';
import { Subscriber } from '../src/opennexus/messenger/subscriber.ts';
import { RedisUnavailable } from '../src/redis/errors.ts';
import { RedisRelay, type FrameBus, type SharedQueue } from '../src/redis/messenger-relay.ts';
import type { Taken } from '../src/redis/messenger-store.ts';

function socket() {
  const written: string[] = [];
  let ended = false;
  return {
    written,
    get ended() {
      return ended;
    },
    io: { write: (c: string) => (written.push(c), !ended), end: () => void (ended = true) },
  };
}

function fakes() {
  const takes: Array<{ agent: string; mode: string; draining: number; resolve: (t: Taken) => void; reject: (e: Error) => void }> = [];
  const acks: Array<[string, number[]]> = [];
  const here: Array<[string, number]> = [];
  const queue: SharedQueue = {
    publish: async () => ({ result: 'stored', seq: 0 }),
    take: (agent, mode, _now, h) => new Promise<Taken>((resolve, reject) => takes.push({ agent, mode, draining: h?.draining ?? 0, resolve, reject })),
    ack: async (m) => void acks.push(...m),
    here: async (_i, _n, counts) => void here.push(...counts),
    streamingAgents: async () => 0,
  };
  let onMessage: (m: string) => void = () => {};
  let onReconnect: () => void = () => {};
  const bus: FrameBus & { ready: boolean } = {
    ready: true,
    subscribe: async (_c, m, r) => {
      onMessage = m;
      onReconnect = r ?? (() => {});
    },
  };
  const hub = new Hub();
  const relay = new RedisRelay(hub, queue, bus, { instance: 'i1' });
  const publish = (seq: number, agent: string, frame: string) => onMessage(`${seq} ${agent.length}\n${agent}${frame}`);
  const settle = () => new Promise((r) => setImmediate(r));
  return { takes, acks, here, bus, hub, relay, publish, settle, reconnect: () => onReconnect() };
}

const enc = (s: string) => new TextEncoder().encode(s);
const open = (f: ReturnType<typeof fakes>, agent: string, drains = true, budget = 1 << 20) => {
  const sock = socket();
  const sub = new Subscriber(sock.io, budget, drains);
  sub.send('connected\n');
  f.relay.attach(agent, sub, 0);
  return { sock, sub };
};

describe('the Redis relay: a stream connecting while frames are published', () => {
  it('a frame the drain already has (published before it) is written once, from the backlog', async () => {
    const f = fakes();
    await f.relay.start();
    const { sock } = open(f, 'X');
    f.publish(7, 'X', 'F7'); // heard while the drain is in flight
    f.takes[0]!.resolve({ floor: 7, frames: [{ frame: enc('F7'), replay: false }] });
    await f.settle();
    expect(sock.written).toEqual(['connected\n', 'F7']);
    f.publish(7, 'X', 'F7'); // a late copy of the same frame
    f.publish(8, 'X', 'F8');
    await f.settle();
    expect(sock.written).toEqual(['connected\n', 'F7', 'F8']);
    expect(f.acks).toEqual([['X', [8]]]); // the drain marked 7 delivered itself
  });

  it('a frame published after the drain ran, heard before its answer, is written after the backlog and acknowledged', async () => {
    const f = fakes();
    await f.relay.start();
    const { sock } = open(f, 'X');
    f.publish(5, 'X', 'F5'); // in the backlog
    f.publish(9, 'X', 'F9'); // not in it
    f.takes[0]!.resolve({ floor: 6, frames: [{ frame: enc('F4'), replay: true }, { frame: enc('F5'), replay: false }] });
    await f.settle();
    await f.settle();
    expect(sock.written).toEqual(['connected\n', ': replay\nF4', 'F5', 'F9']);
    expect(f.acks).toEqual([['X', [9]]]);
  });

  it('a watch stream gets frames but acknowledges none; a draining stream over its budget refuses one, which stays waiting', async () => {
    const f = fakes();
    await f.relay.start();
    const watch = open(f, 'X', false);
    const slow = open(f, 'X', true, 600 * 1024);
    expect(f.takes.map((t) => [t.mode, t.draining])).toEqual([['peek', 0], ['drain', 1]]);
    for (const t of f.takes) t.resolve({ floor: 0, frames: [] });
    await f.settle();
    f.publish(1, 'X', 'x'.repeat(700 * 1024)); // more than the slow stream's budget
    await f.settle();
    expect(slow.sock.ended).toBe(true);
    expect(watch.sock.written).toHaveLength(2);
    expect(f.acks).toEqual([]);
  });

  it('a failed drain ends the stream (its backlog stays for the reconnect); admit() refuses while Redis is away', async () => {
    const f = fakes();
    await f.relay.start();
    const { sock } = open(f, 'X');
    f.takes[0]!.reject(new RedisUnavailable('gone'));
    await f.settle();
    expect(sock.ended).toBe(true);
    f.bus.ready = false;
    expect(() => f.relay.admit()).toThrow(RedisUnavailable);
  });

  it('a restored subscription closes every local stream; presence follows the streams', async () => {
    const f = fakes();
    await f.relay.start();
    const a = open(f, 'X');
    const b = open(f, 'Y', false);
    for (const t of f.takes) t.resolve({ floor: 0, frames: [] });
    await f.settle();
    f.reconnect();
    expect([a.sock.ended, b.sock.ended]).toEqual([true, true]);
    // the app detaches closed streams (app.ts cleanup); this instance then reports none left
    f.relay.detach('X', a.sub);
    f.relay.detach('Y', b.sub);
    await f.settle();
    expect(f.here).toEqual([['X', -1], ['Y', -1]]);
    await f.relay.close();
  });
});
