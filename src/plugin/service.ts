/**
 * The channel's running half, one per process and state directory (the gateway loads the
 * plugin more than once: the instance whose tools the agent calls is often not the one whose
 * channel the gateway started, so they meet here, in a process-wide registry). It follows every
 * NexusMessaging session the agent is in and keeps its OpenNexus stream open (follow.ts),
 * keeps what arrives in the durable inbox and hands it to the agent (inbound.ts). A session
 * created or claimed by a tool, and keys made by a tool, are followed at once (`followNow`);
 * sessions made by the CLI in the same state directory are found by a rescan every minute.
 * `stop` aborts every loop and waits for them and for the turn in flight.
 */
import { AsyncResource } from 'node:async_hooks';
import { channelDir, type Consent } from './consent.ts';
import { followOpenNexus, followSession, pause, type Sink } from './follow.ts';
import { Inbox, type InboxEntry } from './inbox.ts';
import { InboundPump, type TurnHost } from './inbound.ts';
import { OwnerNotices } from './notices.ts';
import type { Messaging } from './messaging.ts';

export const RESCAN_MS = 60_000;
/** How often conversations that wait for an approval look at the host's allow store again. */
export const APPROVAL_POLL_MS = 1_000;
/** The inbox share of one OpenNexus agent nobody approved yet, and of all of them. */
export const STRANGER_BYTES_EACH = 256 * 1024;
export const STRANGER_BYTES_ALL = 2 * 1024 * 1024;

const REGISTRY = Symbol.for('agent-messaging.services');
type Registry = Map<string, MessagingService>;
const registry = (): Registry => ((globalThis as Record<symbol, Registry>)[REGISTRY] ??= new Map());

/** The running service for a state directory in this process, if any. */
export function runningService(stateDir: string): MessagingService | undefined {
  return registry().get(stateDir);
}

export interface ServiceDeps {
  consent: Consent;
  host: TurnHost;
  reply(conv: string, text: string, key: string): Promise<void>;
  log(line: string): void;
  /** The channel's status for `openclaw channels status`: the OpenNexus stream's state, last traffic. */
  status?(patch: { connected?: boolean; lastError?: string | null; lastInboundAt?: number }): void;
}

export class MessagingService {
  readonly inbox: Inbox;
  private ac: AbortController | null = null;
  private pump: InboundPump | null = null;
  private readonly loops = new Map<string, Promise<unknown>>();
  private log: (line: string) => void = () => {};
  /**
   * The async context the gateway started the channel in. A tool call runs in its turn's
   * context, which the host closes when the turn ends ("Gateway is draining; new tasks are not
   * accepted" for any turn dispatched from it later): loops a tool starts run in this one.
   */
  private scope: AsyncResource | null = null;
  private consent: Consent | null = null;
  private status: NonNullable<ServiceDeps['status']> = () => {};
  /** Conversations whose last message came from an agent nobody approved. */
  private readonly strangers = new Set<string>();

  constructor(private readonly m: Messaging) {
    this.inbox = new Inbox(channelDir(m.settings.stateDir));
  }

  /** Loads the inbox, registers this service for the state dir and starts following; returns once running. */
  async start(d: ServiceDeps): Promise<void> {
    if (this.ac) return;
    const prior = runningService(this.m.settings.stateDir);
    if (prior && prior !== this) await prior.stop();
    const ac = (this.ac = new AbortController());
    this.scope = new AsyncResource('agent-messaging.service');
    this.consent = d.consent;
    if (d.status) this.status = d.status;
    this.log = d.log;
    await this.inbox.load();
    const notices = new OwnerNotices(this.inbox, d.host.owner, d.log);
    const pump = (this.pump = new InboundPump({
      inbox: this.inbox,
      notices,
      consent: d.consent,
      host: d.host,
      reply: d.reply,
      ownPublicKey: async () => (this.m.hasKeys() ? (await this.m.opennexus()).identity.publicKeyB64 : undefined),
      log: d.log,
      signal: ac.signal,
    }));
    registry().set(this.m.settings.stateDir, this);
    const pending = this.inbox.pending().length;
    this.log(`started: state ${this.m.settings.stateDir}, ${pending} message(s) pending from before`);
    pump.kick();
    this.run('rescan', async () => {
      while (!ac.signal.aborted) {
        await this.rescan().catch((e: Error) => this.log(`rescan: ${e.message}`));
        await pause(RESCAN_MS, ac.signal);
      }
    });
    this.run('approvals', async () => {
      while (!ac.signal.aborted) {
        for (const conv of pump.waiting) pump.kick(conv);
        await notices.tick().catch((e: Error) => this.log(`owner notices: ${e.message}`));
        await pause(APPROVAL_POLL_MS, ac.signal);
      }
    });
  }

  /** The Sink the followers write to: durably into the inbox, then the pump is told. */
  private readonly sink: Sink = {
    arrive: async (e) => {
      const entry: InboxEntry = { ...e, at: Date.now() };
      const approved = !this.consent || (await this.consent.approved(entry.conv));
      if (approved) this.strangers.delete(entry.conv);
      else this.strangers.add(entry.conv);
      if (!approved && !this.strangerFits(entry)) {
        this.log(`a message from ${entry.conv}, not approved yet, was dropped: unapproved agents' waiting share is full (${STRANGER_BYTES_EACH} bytes each, ${STRANGER_BYTES_ALL} in all)`);
        return;
      }
      if (await this.inbox.add(entry)) {
        this.status({ lastInboundAt: entry.at });
        this.pump?.kick(entry.conv);
      }
    },
  };

  /**
   * Messages from agents nobody approved wait in a share of their own, per agent and in all,
   * so unsolicited senders (a flood of new keys) can never fill the inbox that approved
   * conversations need.
   */
  private strangerFits(e: InboxEntry): boolean {
    const size = Buffer.byteLength(JSON.stringify(e));
    const mine = this.inbox.bytesOf(e.conv);
    let all = 0;
    for (const c of this.strangers) {
      const n = this.inbox.bytesOf(c);
      if (n === 0 && c !== e.conv) this.strangers.delete(c); // nothing of it waits any more
      all += n;
    }
    return mine + size <= STRANGER_BYTES_EACH && all + size <= STRANGER_BYTES_ALL;
  }

  private run(key: string, loop: () => Promise<unknown>): void {
    if (this.loops.has(key)) return;
    const p = loop()
      .catch((e: Error) => this.log(`${key}: ${e.message}`))
      .finally(() => this.loops.delete(key));
    this.loops.set(key, p);
  }

  /** Follows a session (or, with no id, looks at the state dir again) now: what the tools call. */
  followNow(sessionId?: string): void {
    const run = () => void this.rescan(sessionId).catch((e: Error) => this.log(`follow ${sessionId ?? ''}: ${e.message}`));
    if (this.scope) this.scope.runInAsyncScope(run);
    else run();
  }

  /** Starts a follower for every followed (session, agent) not yet followed, and the OpenNexus stream once keys exist. */
  private async rescan(hint?: string): Promise<void> {
    const signal = this.ac?.signal;
    if (!signal || signal.aborted) return;
    const deps = { agent: this.m.agent, sink: this.sink, signal, pollIntervalSec: this.m.settings.pollIntervalSec, log: this.log };
    for (const { sessionId, agent } of await this.m.followed()) {
      if (hint !== undefined && sessionId !== hint) continue;
      const key = `nexus:${sessionId}:${agent}`;
      if (this.loops.has(key)) continue;
      this.log(`following NexusMessaging session ${sessionId} as ${agent}`);
      this.run(key, async () => this.log(`session ${sessionId}: no longer followed (${await followSession(deps, sessionId, agent)})`));
    }
    if (this.m.settings.opennexus && this.m.hasKeys() && !this.loops.has('opennexus')) {
      const client = await this.m.opennexus();
      this.log(`following the OpenNexus stream of ${client.agentId} on ${client.messengerUrl}`);
      this.run('opennexus', () => followOpenNexus(client, this.sink, signal, this.log, (connected, error) => this.status({ connected, lastError: error ?? null })));
    }
  }

  /** What is followed now (operators and tests). */
  get following(): string[] {
    return [...this.loops.keys()].filter((k) => k !== 'rescan' && k !== 'approvals');
  }

  /** Stops following, waits for the loops and for the turn in flight, and leaves the registry. */
  async stop(): Promise<void> {
    const ac = this.ac;
    if (!ac) return;
    this.ac = null;
    ac.abort();
    await Promise.allSettled([...this.loops.values()]);
    await this.pump?.idle();
    await this.inbox.close();
    if (registry().get(this.m.settings.stateDir) === this) registry().delete(this.m.settings.stateDir);
    this.log(`stopped; ${this.inbox.pending().length} message(s) pending for the next start`);
  }
}
