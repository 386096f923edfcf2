/**
 * The messenger's store in Redis (REDIS_URL), shared by every instance: presence heartbeats,
 * the message counter and the per-agent offline queue with retention, under the same budgets
 * as the embedded store (the Lua in messenger-scripts.ts follows src/store/offline-queue.ts).
 * Besides the MessengerStore interface it offers what the Redis relay needs
 * (messenger-relay.ts): store-and-publish in one step, a drain that reports the sequence
 * number it was taken at, acknowledgements of live deliveries, and where agents stream.
 * A connection problem rejects with RedisUnavailable (503); nothing here throws at the process.
 */
import { sha256Text } from '../opennexus/core/crypto.ts';
import type { AddOptions, DrainedFrame, EnqueueResult, MessengerStore, OfflineQueueLimits, QueueUsage } from '../store/messenger-store.ts';
import { PRESENCE_MAX } from '../store/messenger-store.ts';
import { AGENT_OVERHEAD, ENTRY_OVERHEAD, withDefaults } from '../store/offline-queue-limits.ts';
import type { RedisConn } from './connection.ts';
import { ACK, ADD, BEAT, COUNT, HERE, STREAMING, TAKE } from './messenger-scripts.ts';

/** opennexus spec §6.4: presence entries count for 60 s. */
export const PRESENCE_WINDOW_MS = 60_000;
/** The channel every instance listens on (under the prefix). */
export const FRAMES_CHANNEL = 'onx:frames';

/** 'live': the store was full, but a draining stream was open somewhere, so it went out unkept. */
export type SharedAddResult = EnqueueResult | 'live';

export interface Taken {
  /** The global sequence number at the drain: frames up to it are in `frames` or were not for this stream. */
  floor: number;
  frames: DrainedFrame[];
}

/** Long or `#`-led ids are hashed into key names; the raw id still travels on the channel. */
export function agentKey(agentId: string): string {
  return agentId.length <= 128 && !agentId.startsWith('#') ? agentId : `#${sha256Text(agentId)}`;
}

export class RedisMessengerStore implements MessengerStore {
  private readonly P: string;
  private readonly limits: Required<OfflineQueueLimits>;

  constructor(
    private readonly redis: RedisConn,
    limits: OfflineQueueLimits,
    private readonly presenceMax = PRESENCE_MAX,
  ) {
    this.P = redis.key('onx:');
    this.limits = withDefaults(limits);
  }

  private run<T>(lua: string, now: number, extra: (string | number)[]): Promise<T> {
    const l = this.limits;
    return this.redis.script<T>(lua, [], [this.P, now, l.maxPerAgent, l.ttlMs, l.maxTotal, l.maxBytesPerAgent, l.maxBytesTotal, l.graceMs, ENTRY_OVERHEAD, ...extra]);
  }

  async heartbeat(agentId: string, nowMs: number): Promise<void> {
    await this.redis.script(BEAT, [this.P + 'beats'], [agentId, nowMs, PRESENCE_WINDOW_MS, this.presenceMax]);
  }

  async activeAgents(nowMs: number, windowMs: number): Promise<number> {
    return this.redis.call((c) => c.zCount(this.P + 'beats', nowMs - windowMs, '+inf'));
  }

  async countMessage(): Promise<void> {
    await this.redis.call((c) => c.incr(this.P + 'total'));
  }

  async messagesTotal(): Promise<number> {
    return Number((await this.redis.call((c) => c.get(this.P + 'total'))) ?? 0);
  }

  async enqueue(agentId: string, frame: string, nowMs: number, opts: AddOptions = {}): Promise<EnqueueResult> {
    const r = await this.add(agentId, frame, nowMs, { once: opts.once ?? false, control: opts.control ?? false, delivered: opts.delivered ?? false, publish: false, sender: opts.sender ?? '' });
    return r.result === 'live' ? 'full' : r.result;
  }

  /** Stores a frame as waiting, publishes it to every instance and counts it, in one step. */
  publish(agentId: string, frame: string, nowMs: number, opts: { once: boolean; control: boolean; sender?: string }): Promise<{ result: SharedAddResult; seq: number }> {
    return this.add(agentId, frame, nowMs, { once: opts.once, control: opts.control, delivered: false, publish: true, sender: opts.sender ?? '' });
  }

  /** Bytes of waiting frames charged to a client address (its share, src/store/sender-shares.ts). */
  async senderBytes(sender: string): Promise<number> {
    return Number((await this.redis.call((c) => c.hGet(this.P + 'senders', sender))) ?? 0);
  }

  private async add(agentId: string, frame: string, nowMs: number, o: { delivered: boolean; once: boolean; control: boolean; publish: boolean; sender: string }) {
    const flags = `${o.delivered ? 'd' : ''}${o.once ? 'o' : ''}${o.control ? 'c' : ''}${o.publish ? 'p' : ''}`;
    const own = AGENT_OVERHEAD + 2 * agentId.length;
    const [result, seq] = await this.run<[SharedAddResult, number]>(ADD, nowMs, [agentKey(agentId), frame, own, flags, `${agentId.length}\n${agentId}`, o.sender, this.limits.maxBytesPerSender]);
    return { result, seq: Number(seq) };
  }

  async peekControl(agentId: string, nowMs: number): Promise<DrainedFrame[]> {
    return (await this.take(agentId, 'peek', nowMs)).frames;
  }

  async drain(agentId: string, nowMs: number): Promise<DrainedFrame[]> {
    return (await this.take(agentId, 'drain', nowMs)).frames;
  }

  /** A drain or a peek, with the sequence number it was taken at; `here` records this instance's streams of the agent. */
  async take(agentId: string, mode: 'drain' | 'peek', nowMs: number, here?: { instance: string; draining: number }): Promise<Taken> {
    const reply = await this.run<string[]>(TAKE, nowMs, [agentKey(agentId), mode, here?.instance ?? '', here?.draining ?? 0, PRESENCE_WINDOW_MS, this.presenceMax]);
    const frames: DrainedFrame[] = [];
    for (let i = 1; i + 1 < reply.length; i += 2) frames.push({ replay: reply[i] === '1', frame: Buffer.from(reply[i + 1]!, 'utf8') });
    return { floor: Number(reply[0]), frames };
  }

  /** Frames draining streams took live, by agent (messenger-scripts.ts ACK). */
  async ack(taken: Map<string, number[]>, nowMs: number): Promise<void> {
    const args: (string | number)[] = [];
    for (const [agentId, seqs] of taken) args.push(agentKey(agentId), seqs.length, ...seqs);
    if (args.length) await this.run(ACK, nowMs, args);
  }

  /** Records how many draining streams of each agent this instance has (-1: none at all any more). */
  async here(instance: string, nowMs: number, counts: Array<[string, number]>): Promise<void> {
    if (!counts.length) return;
    await this.run(HERE, nowMs, [instance, PRESENCE_WINDOW_MS, this.presenceMax, ...counts.flatMap(([a, n]) => [agentKey(a), n])]);
  }

  /** Agents with a stream on any instance within the presence window (`redis_agents`). */
  async streamingAgents(nowMs: number): Promise<number> {
    return Number(await this.redis.script(STREAMING, [this.P + 'streams'], [nowMs, PRESENCE_WINDOW_MS]));
  }

  async queued(agentId: string, nowMs: number): Promise<number> {
    return Number(await this.run(COUNT, nowMs, [agentKey(agentId), 'waiting']));
  }

  async retained(agentId: string, nowMs: number): Promise<number> {
    return Number(await this.run(COUNT, nowMs, [agentKey(agentId), 'retained']));
  }

  async usage(): Promise<QueueUsage> {
    const [bytes, messages, dropped, refused] = await this.redis.call((c) => c.hmGet(this.P + 'usage', ['bytes', 'messages', 'dropped', 'refused']));
    return { bytes: Number(bytes ?? 0), messages: Number(messages ?? 0), dropped: Number(dropped ?? 0), refused: Number(refused ?? 0) };
  }

  /** /health: a PING answered in time (opennexus spec §6: 503 when the Redis PING fails). */
  async ping(): Promise<boolean> {
    if (!this.redis.ready) return false;
    return this.redis.call((c) => c.ping()).then(
      () => true,
      () => false,
    );
  }

  /** The connection belongs to whoever opened it (messenger/redis-backend.ts). */
  async close(): Promise<void> {}
}
