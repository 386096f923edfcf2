// One SSE stream's byte budget (src/opennexus/messenger/subscriber.ts), against a fake socket
// whose unsent bytes the test controls; the loopback version is in messenger-budgets.test.ts.
import { describe, expect, it } from 'vitest';
import { Hub } from '../src/opennexus/messenger/hub.ts';
import { SOCKET_WATER, Subscriber } from '../src/opennexus/messenger/subscriber.ts';

/** A socket that keeps everything written until flush() (a client that does not read). */
function fakeSocket() {
  const written: string[] = [];
  let unsent = 0;
  let ended = false;
  const drains: Array<() => void> = [];
  return {
    written,
    get ended() {
      return ended;
    },
    get unsent() {
      return unsent;
    },
    io: {
      write: (chunk: string) => {
        if (ended) return false;
        written.push(chunk);
        unsent += Buffer.byteLength(chunk);
        return true;
      },
      end: () => {
        ended = true;
      },
      flow: { buffered: () => unsent, onDrain: (l: () => void) => drains.push(l) },
    },
    /** The client reads everything: the socket is empty again and says so. */
    flush() {
      unsent = 0;
      for (const l of drains) l();
    },
  };
}

const frame = (n: number, size = 100_000) => `data: {"counter":${n},"pad":"${'x'.repeat(size)}"}\n\n\n`;

describe('a stream with a byte budget', () => {
  it('hands frames to the socket only below the water mark and keeps the rest until it drains', () => {
    const sock = fakeSocket();
    const sub = new Subscriber(sock.io, 1 << 20);
    for (let i = 1; i <= 5; i++) expect(sub.send(frame(i))).toBe(true);
    expect(sock.written).toHaveLength(1); // the socket passed the water mark at once
    expect(sock.unsent).toBeGreaterThan(SOCKET_WATER);
    expect(sub.bufferedBytes()).toBe(sock.unsent + 4 * Buffer.byteLength(frame(2)));
    sock.flush();
    sock.flush();
    sock.flush();
    sock.flush();
    expect(sock.written.map((w) => /"counter":(\d+)/.exec(w)![1])).toEqual(['1', '2', '3', '4', '5']);
  });

  it('is closed instead of holding more than its budget; the frame that did not fit reports false', () => {
    const sock = fakeSocket();
    const sub = new Subscriber(sock.io, 1 << 20);
    let accepted = 0;
    while (sub.send(frame(accepted + 1))) {
      accepted++;
      expect(sub.bufferedBytes()).toBeLessThanOrEqual(1 << 20);
    }
    expect(accepted).toBe(10);
    expect(sock.ended).toBe(true);
    expect(sub.isClosed).toBe(true);
    expect(sub.bufferedBytes()).toBe(sock.unsent); // what it kept is dropped; the socket keeps one frame
    expect(sub.send(frame(99, 10))).toBe(false);
  });

  it('writes the backlog (replays marked) before frames that arrived while it was fetched, and keepalives only when idle', () => {
    const sock = fakeSocket();
    const sub = new Subscriber(sock.io, 1 << 20);
    sub.hold();
    sub.send('live\n\n\n');
    sub.keepalive();
    expect(sock.written).toEqual([]);
    const enc = (s: string) => new TextEncoder().encode(s);
    sub.release([{ frame: enc('data: old-1\n\n\n'), replay: true }, { frame: enc('data: old-2\n\n\n'), replay: false }]);
    expect(sock.written).toEqual([': replay\ndata: old-1\n\n\n', 'data: old-2\n\n\n', 'live\n\n\n']);
    sub.keepalive();
    expect(sock.written.at(-1)).toBe(': keepalive\n\n');
  });

  it('the hub counts a draining stream that refused a frame as not delivered, so the message is queued', () => {
    const hub = new Hub();
    const slow = fakeSocket();
    const watch = fakeSocket();
    hub.add('X', new Subscriber(slow.io, 1 << 20));
    hub.add('X', new Subscriber(watch.io, 1 << 20, false));
    let n = 0;
    while (hub.deliver('X', frame(++n)) === 1) watch.flush();
    expect(slow.ended).toBe(true);
    expect(watch.ended).toBe(false);
    expect(hub.deliver('X', frame(++n))).toBe(0); // only the watch stream is left: queue it
  });
});
