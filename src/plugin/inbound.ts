/**
 * From the inbox to the agent (the channel's inbound side). One pump per conversation, in
 * arrival order: everything pending in it goes to the host as one inbound message (a batch of
 * at most MAX_BATCH messages), which starts one agent turn in that conversation's session; the
 * entries leave the inbox only after the host has run that turn (or told the owner), so a
 * gateway stop mid-turn repeats the batch after the restart instead of losing it.
 *
 * Before a turn, in this order (consent.ts): an unapproved OpenNexus peer's messages wait for
 * the owner's approval (a pairing request with the safety number); a notify-only conversation,
 * a spent daily budget or the host's bot-pair loop guard sends the messages to the owner's
 * session as a notice instead of a turn. Failures are retried with backoff; nothing throws out.
 */
import type { Consent } from './consent.ts';
import { frameBatch, shownId } from './frame.ts';
import type { Inbox, InboxEntry } from './inbox.ts';
import { pause } from './follow.ts';
import type { OwnerNotices, OwnerQueue } from './notices.ts';

export const MAX_BATCH = 20;
/** A batch whose turn failed this often goes to the owner instead (a poisoned message must not block its conversation). */
export const MAX_TURN_FAILURES = 5;
const MAX_BATCH_BYTES = 32 * 1024;

/** The host side of a turn (channel.ts wires the SDK's dispatchInboundDirectDm into it). */
export interface TurnHost {
  /** Runs one agent turn for the text in the conversation; each reply goes to `deliver`. Resolves when the turn is over. */
  turn(conv: string, from: string, text: string, messageId: string, deliver: (text: string) => Promise<void>): Promise<void>;
  /** The owner's queue of notices (notices.ts). */
  owner: OwnerQueue;
  /** The host's bot-pair loop guard: true when this exchange must not start a turn. */
  loopSuppressed(conv: string, from: string, eventId: string): boolean;
}

export interface PumpDeps {
  inbox: Inbox;
  consent: Consent;
  host: TurnHost;
  notices: OwnerNotices;
  /** Sends a reply into the conversation (outbound.ts); throws when it could not. */
  reply(conv: string, text: string, key: string): Promise<void>;
  ownPublicKey(): Promise<string | undefined>;
  log(line: string): void;
  signal: AbortSignal;
}

/** Takes the head of the queue up to the batch bounds (always at least one entry). */
export function takeBatch(pending: InboxEntry[]): InboxEntry[] {
  const out: InboxEntry[] = [];
  let bytes = 0;
  for (const e of pending) {
    bytes += Buffer.byteLength(e.text);
    if (out.length && (out.length >= MAX_BATCH || bytes > MAX_BATCH_BYTES)) break;
    out.push(e);
  }
  return out;
}

export class InboundPump {
  private readonly running = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private readonly held = new Set<string>();
  private readonly asked = new Map<string, number>();

  constructor(private readonly d: PumpDeps) {}

  /** Makes sure every conversation with pending entries is being worked on. */
  kick(conv?: string): void {
    const convs = conv ? [conv] : [...new Set(this.d.inbox.pending().map((e) => e.conv))];
    for (const c of convs) {
      if (this.running.has(c)) {
        this.again.add(c);
        continue;
      }
      const p = this.work(c)
        .catch((e: Error) => this.d.log(`inbound ${c}: ${e.message}`))
        .finally(() => {
          this.running.delete(c);
          if (this.again.delete(c) && !this.d.signal.aborted) this.kick(c);
        });
      this.running.set(c, p);
    }
  }

  /** Conversations waiting for the owner's approval (re-checked by the channel's tick). */
  get waiting(): string[] {
    return [...this.held];
  }

  /** Resolves when every conversation's current batch is over (the stop path waits for it). */
  async idle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running.values()]);
  }

  private async work(conv: string): Promise<void> {
    let backoff = 1000;
    let failures = 0;
    while (!this.d.signal.aborted) {
      const batch = takeBatch(this.d.inbox.pending(conv));
      if (!batch.length) return;
      try {
        if (!(await this.d.consent.approved(conv))) return void (await this.hold(conv, batch[0]!));
        this.held.delete(conv);
        this.asked.delete(conv);
        if (failures >= MAX_TURN_FAILURES) await this.d.notices.tell(conv, batch, `the agent's turn failed ${failures} times for these messages`);
        else await this.handle(conv, batch, failures);
        backoff = 1000;
        failures = 0;
      } catch (e) {
        if (this.d.signal.aborted) return;
        failures++;
        this.d.log(`inbound ${conv}: ${(e as Error).message}; retrying in ${Math.round(backoff / 1000)} s`);
        await pause(backoff, this.d.signal);
        backoff = Math.min(backoff * 2, 60_000);
      }
    }
  }

  private async hold(conv: string, first: InboxEntry): Promise<void> {
    this.held.add(conv);
    const last = this.asked.get(conv) ?? 0;
    if (Date.now() - last < 3_600_000) return; // the host keeps a request for an hour
    const r = await this.d.consent.requestApproval(first.from, first.publicKey, await this.d.ownPublicKey());
    if (r.created) this.d.log(`pairing request from OpenNexus agent ${shownId(first.from)}: approve with \`openclaw pairing approve agent-messaging ${r.code}\` after comparing the safety number (openclaw pairing list agent-messaging)`);
    if (r.code) return void this.asked.set(conv, Date.now());
    // No request was made: the host keeps at most 3 pending per channel; ask again in 15 s.
    this.asked.set(conv, Date.now() - 3_600_000 + 15_000);
    this.d.log(`OpenNexus agent ${shownId(first.from)} waits for approval, but the host holds no more pairing requests (3 at most): approve or dismiss one in \`openclaw pairing list agent-messaging\``);
  }

  /**
   * `attempt` > 0: the batch's earlier turn failed. The host drops an inbound message whose id
   * it has seen (as a duplicate, silently), so a turn run again carries an id of its own.
   */
  private async handle(conv: string, batch: InboxEntry[], attempt: number): Promise<void> {
    const last = batch[batch.length - 1]!;
    const ids = batch.map((e) => e.id);
    const from = last.from;
    let why: string | null = null;
    if (this.d.consent.mode(conv) === 'notify') why = `message(s) from ${conv} (notify-only)`;
    else if (this.d.host.loopSuppressed(conv, from, last.id)) why = `automatic replies to ${conv} are paused by loop protection (too many exchanges in a short time)`;
    else if (!(await this.d.consent.takeTurn(conv))) why = `the daily budget of automatic replies to ${conv} is spent`;
    // The owner is told instead of a turn (notices.ts: kept until the owner's session took it).
    if (why) return this.d.notices.tell(conv, batch, why);
    let n = 0;
    const messageId = attempt ? `${last.id}:attempt-${attempt + 1}` : last.id;
    await this.d.host.turn(conv, from, frameBatch(conv, batch), messageId, async (text) => this.d.reply(conv, text, `reply:${last.id}:${n++}`));
    this.d.log(`${batch.length} message(s) in ${conv} handed to the agent`);
    await this.d.inbox.markDone(ids);
  }
}
