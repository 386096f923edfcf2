/**
 * Wakes parked polls and event streams on every instance (nexus/server/waiters.ts): after a
 * change is stored, the instance that made it publishes the session id; every other instance
 * wakes its own waiters of that session, which read the store again. A wake is only a hint:
 * one lost while the subscription reconnects is made up by waking every local waiter once it
 * is back, so nothing waits for a message that already arrived.
 */
import { randomHex } from '../opennexus/core/crypto.ts';
import type { WakeBus } from '../nexus/server/waiters.ts';
import type { RedisConn } from './connection.ts';

const CHANNEL = 'nx:wake';

export class RedisWakeBus implements WakeBus {
  /** Our own wakes come back from Redis too; they were already delivered locally. */
  private readonly self = randomHex(6);

  constructor(
    private readonly redis: RedisConn,
    private readonly log: (line: string) => void = () => {},
  ) {}

  publish(sessionId: string): void {
    this.redis.publish(CHANNEL, `${this.self} ${sessionId}`).catch((e: Error) => this.log(`wake not published: ${e.message}`));
  }

  async subscribe(onWake: (sessionId: string) => void, onMissed: () => void): Promise<void> {
    await this.redis.subscribe(
      CHANNEL,
      (message) => {
        const sp = message.indexOf(' ');
        if (sp > 0 && message.slice(0, sp) !== this.self) onWake(message.slice(sp + 1));
      },
      onMissed,
    );
  }
}
