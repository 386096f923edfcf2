/**
 * The background service (registerService): follows every NexusMessaging session the agent
 * is in and keeps its OpenNexus stream open, waking the agent for each batch of new messages
 * (follow.ts, wake.ts). Sessions created or claimed by the tools are followed at once; others
 * (made by the CLI in the same state directory) are found by a rescan every minute. `stop`
 * aborts every loop and waits for them: no timer, socket or stream is left behind.
 */
import type { PluginLogger, PluginService, ServiceContext } from './host.ts';
import type { Messaging } from './messaging.ts';
import { followOpenNexus, followSession, pause } from './follow.ts';
import type { Waker } from './wake.ts';

export const RESCAN_MS = 60_000;

export class MessagingService implements PluginService {
  readonly id = 'agent-messaging';
  private ac: AbortController | null = null;
  private readonly loops = new Map<string, Promise<unknown>>();
  private log: (line: string) => void = () => {};

  constructor(
    private readonly m: Messaging,
    private readonly waker: Waker,
  ) {}

  /** Follows sessions and the OpenNexus stream until stop(); returns at once (loops run detached). */
  start(ctx: Pick<ServiceContext, 'logger'> & Partial<ServiceContext>): void {
    if (this.ac) return;
    const ac = (this.ac = new AbortController());
    const logger: PluginLogger = ctx.logger;
    this.log = (line) => logger.info(`[agent-messaging] ${line}`);
    this.m.onNewSession = (sid) => void this.rescan(ac.signal, sid).catch((e: Error) => this.log(`follow ${sid}: ${e.message}`));
    this.run('rescan', async () => {
      while (!ac.signal.aborted) {
        await this.rescan(ac.signal).catch((e: Error) => this.log(`rescan: ${e.message}`));
        await pause(RESCAN_MS, ac.signal);
      }
    });
  }

  private run(key: string, loop: () => Promise<unknown>): void {
    if (this.loops.has(key)) return;
    const p = loop()
      .catch((e: Error) => this.log(`${key}: ${e.message}`))
      .finally(() => this.loops.delete(key));
    this.loops.set(key, p);
  }

  /** Starts a follower for every followed (session, agent) not yet followed, and the OpenNexus stream once keys exist. */
  private async rescan(signal: AbortSignal, hint?: string): Promise<void> {
    if (signal.aborted) return;
    const deps = { agent: this.m.agent, waker: this.waker, signal, pollIntervalSec: this.m.settings.pollIntervalSec, log: this.log };
    for (const { sessionId, agent } of await this.m.followed()) {
      if (hint !== undefined && sessionId !== hint) continue;
      this.run(`nexus:${sessionId}:${agent}`, () => followSession(deps, sessionId, agent));
    }
    if (this.m.settings.opennexus && this.m.hasKeys() && !this.loops.has('opennexus')) {
      const client = await this.m.opennexus();
      this.run('opennexus', () => followOpenNexus(client, this.waker, signal, this.log));
    }
  }

  /** What is followed now (operators and tests). */
  get following(): string[] {
    return [...this.loops.keys()].filter((k) => k !== 'rescan');
  }

  async stop(): Promise<void> {
    const ac = this.ac;
    if (!ac) return;
    this.ac = null;
    this.m.onNewSession = () => {};
    ac.abort();
    await Promise.allSettled([...this.loops.values()]);
    this.waker.close();
  }
}
