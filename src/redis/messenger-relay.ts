/**
 * The messenger's fan-out across instances (REDIS_URL), as the Go reference does it (opennexus
 * spec §6.4: every instance subscribes to every agent's frames and delivers to its own
 * streams), plus what the reference lacks: no frame is lost when a stream connects on one
 * instance while another relays, and none is handed to two draining streams as new.
 *
 * One channel for all agents, not one per agent: every instance is subscribed from start-up,
 * so "subscribed before the drain" holds for every stream without a SUBSCRIBE round trip and
 * an unsubscribe race per connect; each instance skips frames for agents it does not serve.
 * That costs every instance every frame, which is right for a handful of instances (a large
 * fleet would hash agents onto a few channels).
 *
 * The race, and why it is closed. Every frame gets a global sequence number in the same Lua
 * step that stores it (as waiting) and publishes it; a new stream's drain is also one Lua step
 * and reports the sequence number it ran at (its floor). Redis runs the two in some order:
 *  - the frame first: the drain returns it (seq <= floor); a live copy that reaches the stream
 *    too is skipped, by its sequence number;
 *  - the drain first: the frame is published after it, and this instance was subscribed
 *    before the drain was sent, so the live copy arrives (seq > floor) and is delivered.
 * Live frames that arrive while the drain is in flight are held behind it (Subscriber.hold);
 * those the backlog already has are a prefix of them (sequence numbers grow), dropped at
 * release. Whether a frame was delivered is decided by the instance whose draining stream
 * took it: it acknowledges it (batched), which makes it delivered (kept for the grace period)
 * or removes it (a HELLO). A frame no stream took, because none was open or the one open was
 * over its byte budget (subscriber.ts), stays waiting for the agent's next drain. A lost
 * acknowledgement costs a duplicate later, never a message; the store is the truth, the
 * channel only carries copies. (Until an acknowledgement lands, about one round trip, a new
 * stream's drain finds the frame waiting and gets it unmarked rather than as a replay; clients
 * drop the duplicate by its counter, opennexus spec §4.5.)
 *
 * When the subscription connection comes back after an outage, frames published meanwhile
 * were not heard here: every local stream is closed, so its client reconnects and drains them.
 */
import { hostname } from 'node:os';
import { randomHex } from '../opennexus/core/crypto.ts';
import type { Hub, Subscriber } from '../opennexus/messenger/hub.ts';
import type { Relay, RelayOptions, RelayOutcome } from '../opennexus/messenger/relay.ts';
import { RedisUnavailable } from './errors.ts';
import { FRAMES_CHANNEL, type RedisMessengerStore } from './messenger-store.ts';

/** What the relay needs of the store (RedisMessengerStore; a fake in tests). */
export type SharedQueue = Pick<RedisMessengerStore, 'publish' | 'take' | 'ack' | 'here' | 'streamingAgents'>;

/** What it needs of the connection (RedisConn). */
export interface FrameBus {
  readonly ready: boolean;
  subscribe(channel: string, onMessage: (message: string) => void, onReconnect?: () => void): Promise<void>;
}

/** Presence of this instance's streams is refreshed well within its 60 s window. */
const REFRESH_MS = 20_000;

interface StreamState {
  /** The sequence number its drain or peek ran at; null while that is in flight. */
  floor: number | null;
  /** Sequence numbers of live frames held while the drain is in flight, ascending. */
  held: number[];
}

export interface RedisRelayOptions {
  now?: () => number;
  log?: (line: string) => void;
  /** Unique per process; names this instance's presence entries. */
  instance?: string;
}

export class RedisRelay implements Relay {
  private readonly states = new Map<Subscriber, StreamState>();
  private acks = new Map<string, number[]>();
  private dirty = new Set<string>();
  private flushing = false;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private lastError = '';
  private closed = false;
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  readonly instance: string;

  constructor(
    private readonly hub: Hub,
    private readonly queue: SharedQueue,
    private readonly bus: FrameBus,
    opts: RedisRelayOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.log = opts.log ?? (() => {});
    this.instance = opts.instance ?? `${hostname()}/${process.pid}/${randomHex(4)}`;
  }

  async start(): Promise<void> {
    await this.bus.subscribe(FRAMES_CHANNEL, (m) => this.onFrame(m), () => this.resync());
    this.timer = setInterval(() => {
      for (const agent of this.hub.agentIds()) this.dirty.add(agent);
      this.schedule();
    }, REFRESH_MS);
    this.timer.unref();
  }

  async relay(receiver: string, frame: string, now: number, opts: RelayOptions): Promise<RelayOutcome> {
    const { result } = await this.queue.publish(receiver, frame, now, opts);
    if (result === 'full' || result === 'share') return result;
    return result === 'live' ? 'delivered' : 'queued';
  }

  admit(): void {
    if (!this.bus.ready) throw new RedisUnavailable('Redis is unavailable');
  }

  attach(agent: string, sub: Subscriber, now: number): void {
    this.hub.add(agent, sub);
    const state: StreamState = { floor: null, held: [] };
    this.states.set(sub, state);
    sub.hold();
    const here = { instance: this.instance, draining: this.draining(agent) };
    this.queue.take(agent, sub.drains ? 'drain' : 'peek', now, here).then(
      ({ floor, frames }) => {
        const skip = state.held.filter((seq) => seq <= floor).length;
        const live = state.held.slice(skip);
        state.floor = floor;
        state.held = [];
        if (sub.isClosed) return;
        sub.release(frames, skip);
        if (sub.drains && !sub.isClosed) for (const seq of live) this.ack(agent, seq);
      },
      (e: Error) => {
        // Its backlog is still in the store: end the stream, so the client reconnects for it.
        this.report(`messenger: a stream's drain failed: ${e.message}`);
        sub.close();
      },
    );
  }

  detach(agent: string, sub: Subscriber): void {
    this.hub.remove(agent, sub);
    this.states.delete(sub);
    this.dirty.add(agent);
    this.schedule();
  }

  streamingAgents(now: number): Promise<number> {
    return this.queue.streamingAgents(now);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.closed = true;
    while (this.flushing) await new Promise((r) => setImmediate(r));
    await this.flush();
  }

  /** "<seq> <agent length>\n<agent><frame>" (messenger-scripts.ts ADD). */
  private onFrame(message: string): void {
    const sp = message.indexOf(' ');
    const nl = message.indexOf('\n', sp);
    if (sp < 0 || nl < 0) return;
    const seq = Number(message.slice(0, sp));
    const start = nl + 1;
    const agent = message.slice(start, start + Number(message.slice(sp + 1, nl)));
    const subs = this.hub.streamsOf(agent);
    if (!subs.length) return;
    const frame = message.slice(start + agent.length);
    const bytes = Buffer.byteLength(frame);
    let taken = false;
    for (const sub of subs) {
      const state = this.states.get(sub);
      if (!state) continue;
      if (state.floor === null) {
        if (sub.send(frame, bytes)) state.held.push(seq);
      } else if (seq > state.floor && sub.send(frame, bytes) && sub.drains) {
        taken = true;
      }
    }
    if (taken) this.ack(agent, seq);
  }

  /** Frames published while the subscription was down never reached this instance. */
  private resync(): void {
    const subs = this.hub.agentIds().flatMap((a) => this.hub.streamsOf(a));
    if (subs.length) this.log(`messenger: subscription restored; closing ${subs.length} stream(s) so they drain what they missed`);
    for (const sub of subs) sub.close();
  }

  private draining(agent: string): number {
    const subs = this.hub.streamsOf(agent);
    return subs.length ? subs.filter((s) => s.drains && !s.isClosed).length : -1;
  }

  private ack(agent: string, seq: number): void {
    const list = this.acks.get(agent);
    if (list) list.push(seq);
    else this.acks.set(agent, [seq]);
    this.schedule();
  }

  /** Acknowledgements and presence changes go out together, once per turn of the event loop. */
  private schedule(): void {
    if (this.scheduled || this.flushing || this.closed) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    if (!this.acks.size && !this.dirty.size) return;
    this.flushing = true;
    const acks = this.acks;
    const counts = [...this.dirty].map((a): [string, number] => [a, this.draining(a)]);
    this.acks = new Map();
    this.dirty = new Set();
    const now = this.now();
    try {
      await Promise.all([this.queue.ack(acks, now), this.queue.here(this.instance, now, counts)]);
      this.lastError = '';
    } catch (e) {
      // Unacknowledged frames stay waiting and reach the agent's next drain again.
      this.report(`messenger: acknowledgements not written: ${(e as Error).message}`);
    } finally {
      this.flushing = false;
      if (this.acks.size || this.dirty.size) this.schedule();
    }
  }

  private report(line: string): void {
    if (line === this.lastError) return;
    this.lastError = line;
    this.log(line);
  }
}
