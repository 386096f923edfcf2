/**
 * Where a relayed frame goes and how a new stream gets what waited for it. An interface, so a
 * shared backend can fan out across instances (the Go reference publishes on Redis, opennexus
 * spec §6.4; ours is src/redis/messenger-relay.ts) while the routes stay the same; LocalRelay
 * is the one-process default: this process's streams, else the offline queue.
 */
import type { EnqueueResult, MessengerStore } from '../../store/messenger-store.ts';
import type { Hub, Subscriber } from './hub.ts';
import { isThenable, type MaybePromise } from '../../maybe-promise.ts';

/**
 * 'queued' on a shared backend: kept and published; the stream that takes it marks it delivered.
 * 'full': the offline queue is; 'share': the sender's address holds its share of it.
 */
export type RelayOutcome = 'delivered' | 'queued' | 'full' | 'share';

export interface RelayOptions {
  /**
   * Never kept after delivery (a HELLO: a replayed one would replace the receiver's live
   * session, opennexus spec §4.4). Everything else a draining stream took is kept for the grace
   * period, so a stream opened under someone else's id cannot take it from the agent.
   */
  once: boolean;
  /** A HELLO_ACK or a reset, which a watch stream is also shown while it waits. */
  control: boolean;
  /** The posting client's address (the request's `ip`): its share of the offline queue is charged. */
  sender?: string;
}

export interface Relay {
  /** Relays a frame and, unless refused ('full', 'share'), counts it (messages_total): a shared store does both in one step. */
  relay(receiver: string, frame: string, now: number, opts: RelayOptions): MaybePromise<RelayOutcome>;
  /**
   * Throws (the store's unavailable error, a 503) when a new stream cannot be served now, so
   * it is refused at once instead of being left open and silent.
   */
  admit(): void;
  /**
   * A new stream, after its connected event: registered first so it misses nothing relayed
   * from now on, then handed what waited: the backlog (a draining stream) or the waiting
   * HELLO_ACKs and resets (a watch stream, offline-queue.ts peekControl). Live frames that
   * arrive meanwhile are held behind it (subscriber.ts hold/release).
   */
  attach(agent: string, sub: Subscriber, now: number): void;
  detach(agent: string, sub: Subscriber): void;
  /** Agents with an open stream on any instance (`redis_agents`); 0 in local mode, as in opennexus spec §6. */
  streamingAgents(now: number): Promise<number>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export class LocalRelay implements Relay {
  constructor(
    private readonly hub: Hub,
    private readonly store: MessengerStore,
  ) {}

  /**
   * One step when the store answers synchronously (memory): no promise on the message's path;
   * a store that writes (DATA_DIR, journal.ts) makes it one await.
   */
  relay(receiver: string, frame: string, now: number, { once, control, sender }: RelayOptions): MaybePromise<RelayOutcome> {
    if (this.hub.deliver(receiver, frame) > 0) {
      if (once) return this.counted('delivered');
      const kept = this.store.enqueue(receiver, frame, now, { delivered: true, control });
      return isThenable(kept) ? kept.then(() => this.counted('delivered')) : this.counted('delivered');
    }
    const r = this.store.enqueue(receiver, frame, now, { once, control, ...(sender === undefined ? {} : { sender }) });
    return isThenable(r) ? r.then((x) => this.queued(x)) : this.queued(r);
  }

  private queued(r: EnqueueResult): MaybePromise<RelayOutcome> {
    return r === 'full' || r === 'share' ? r : this.counted('queued');
  }

  private counted(outcome: RelayOutcome): MaybePromise<RelayOutcome> {
    const c = this.store.countMessage();
    return isThenable(c) ? c.then(() => outcome) : outcome;
  }

  admit(): void {}

  attach(agent: string, sub: Subscriber, now: number): void {
    this.hub.add(agent, sub); // before the drain: nothing relayed from here on can miss it
    sub.hold();
    // The memory store drains synchronously, so no relay falls between registration and drain.
    (sub.drains ? this.store.drain(agent, now) : this.store.peekControl(agent, now)).then(
      (backlog) => sub.release(backlog),
      () => sub.release([]),
    );
  }

  detach(agent: string, sub: Subscriber): void {
    this.hub.remove(agent, sub);
  }

  async streamingAgents(): Promise<number> {
    return 0;
  }

  async start(): Promise<void> {}

  async close(): Promise<void> {}
}
