/**
 * One open SSE stream of an agent (opennexus spec §6.2), with a byte budget for what it has not
 * sent yet. A write never blocks, so a client that stops reading would otherwise make the
 * messenger keep every frame for it. The Go reference gives each subscriber a channel of 10
 * messages and drops the rest (opennexus spec §6.1); we hand frames to the socket only while it holds
 * less than SOCKET_WATER, keep the rest here, and close the stream once the two together
 * would pass the budget. Closing loses nothing that dropping would: the client reconnects and
 * gets what the store kept (offline-queue.ts), and a frame this stream refused is queued unless
 * another draining stream of the agent took it (hub.ts).
 */
import type { StreamFlow, StreamWrite } from '../../http/types.ts';
import type { DrainedFrame } from '../../store/messenger-store.ts';

/**
 * Frames go to the socket only while it holds less than this. It is at least node's
 * highWaterMark (16 KiB on Node 20, 64 KiB later), so by the time we stop, a write has
 * reported a full buffer and 'drain' will follow.
 */
export const SOCKET_WATER = 64 * 1024;

const utf8 = new TextDecoder();

/**
 * Put before a frame that some stream of the agent was given before (a replay), inside the
 * same event: an SSE comment line, which the reference client and other line readers skip
 * (opennexus spec §4.3), so only a client that looks for it learns that a failure to open the frame
 * (no session any more, a counter already seen) is about old traffic and needs no reset.
 */
export const REPLAY_MARK = ': replay\n';

interface Item {
  data: string | Uint8Array;
  replay?: boolean;
  /** Bytes counted against the budget: a live frame's; 0 for a backlog frame, which the store holds anyway. */
  own: number;
}

export interface StreamIo {
  write: StreamWrite;
  end: () => void;
  flow?: StreamFlow;
}

export class Subscriber {
  private items: Array<Item | undefined> = [];
  private head = 0;
  private ownBytes = 0;
  private holding = false;
  private closed = false;

  /**
   * `drains: false` is a watch stream (`?drain=0`): our client opens one during `send` to catch
   * a HELLO_ACK or a reset and ignores everything else, so a message it gets must still be
   * queued for the agent's real stream.
   */
  constructor(
    private readonly io: StreamIo,
    private readonly budget: number,
    readonly drains = true,
  ) {
    io.flow?.onDrain(() => this.pump());
  }

  /**
   * Takes a frame for this stream. Returns false (and closes the stream) when it would pass the
   * budget, or when the stream is closed: the frame did not reach this client.
   */
  send(frame: string, bytes = Buffer.byteLength(frame)): boolean {
    if (this.closed) return false;
    if (this.ownBytes + this.socketBytes() + bytes > this.budget) {
      this.close();
      return false;
    }
    this.items.push({ data: frame, own: bytes });
    this.ownBytes += bytes;
    this.pump();
    return true;
  }

  /** Holds live frames back until release() writes the backlog first (order as sent). */
  hold(): void {
    this.holding = true;
  }

  /**
   * Writes the backlog, then the live frames held meanwhile. `skipLive`: the first held frames
   * that the backlog already has (a shared store's drain can overlap live delivery; the relay
   * knows which by sequence number, src/redis/messenger-relay.ts).
   */
  release(backlog: DrainedFrame[], skipLive = 0): void {
    if (this.closed) return;
    const held = this.items.slice(this.head) as Item[];
    for (const item of held.slice(0, skipLive)) this.ownBytes -= item.own;
    const live = held.slice(skipLive);
    this.items = [...backlog.map(({ frame, replay }) => ({ data: frame, replay, own: 0 })), ...live];
    this.head = 0;
    this.holding = false;
    this.pump();
  }

  /** A keepalive comment (opennexus spec §6.2) when idle; a stream with frames waiting is not idle. */
  keepalive(): void {
    if (this.closed || this.holding) return;
    if (this.head < this.items.length) this.pump(); // also covers a missed 'drain'
    else if (this.socketBytes() < SOCKET_WATER && !this.io.write(': keepalive\n\n')) this.close();
  }

  /** Bytes this stream holds in memory: frames not yet written plus what the socket still has. */
  bufferedBytes(): number {
    return this.ownBytes + this.socketBytes();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Ends the stream; frames not yet written are dropped here (the store kept them). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.items = [];
    this.head = 0;
    this.ownBytes = 0;
    this.io.end();
  }

  private socketBytes(): number {
    return this.io.flow?.buffered() ?? 0;
  }

  private pump(): void {
    while (!this.closed && !this.holding && this.head < this.items.length && this.socketBytes() < SOCKET_WATER) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined;
      this.ownBytes -= item.own;
      const frame = typeof item.data === 'string' ? item.data : utf8.decode(item.data);
      const text = item.replay ? REPLAY_MARK + frame : frame;
      if (!this.io.write(text)) {
        this.close();
        return;
      }
    }
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
