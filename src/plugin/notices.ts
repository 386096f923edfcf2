/**
 * Telling the owner (notify-only conversations, a spent budget, loop protection, a batch whose
 * turn kept failing) without losing anything. The host's system events, the only no-turn way
 * to reach the owner's session, are kept in memory and at most 20 per session (openclaw
 * 2026.9.6, system-events: MAX_EVENTS): a flood or a restart lost them. So the told messages
 * stay in the durable inbox (marked told), and each conversation has ONE system event, a
 * digest of what waits for the owner, replaced as more arrives. When the host's queue no longer
 * holds the digest, the owner's session has taken it, and the messages it showed are done. After
 * a restart every digest is queued again. Where the host cannot be asked what its queue holds,
 * a digest counts as taken once queued (the older behaviour), and that is logged.
 */
import { frameNotice } from './frame.ts';
import type { Inbox, InboxEntry } from './inbox.ts';

/** The owner's queue, as far as the channel needs it. */
export interface OwnerQueue {
  /** Queues (or replaces) the event with this key; false when the host refused. */
  put(text: string, key: string): boolean;
  /** Whether the event with this key is still queued; undefined when the host cannot say. */
  holds(key: string): boolean | undefined;
}

const SHOWN = 20;

export class OwnerNotices {
  /** What each conversation's queued digest showed (ids), this process. */
  private readonly queued = new Map<string, string[]>();
  private warned = false;

  constructor(
    private readonly inbox: Inbox,
    private readonly queue: OwnerQueue,
    private readonly log: (line: string) => void,
  ) {}

  /** Marks the entries told (durably) and queues the conversation's digest again. */
  async tell(conv: string, entries: InboxEntry[], why: string): Promise<void> {
    await this.inbox.markTold(entries.map((e) => e.id), why);
    this.log(`${entries.length} message(s) in ${conv} told to the owner: ${why}`);
    await this.put(conv);
  }

  private key = (conv: string) => `agent-messaging:notice:${conv}`;

  /** Queues the digest of what waits for the owner in the conversation (the newest SHOWN). */
  private async put(conv: string): Promise<void> {
    const told = this.inbox.told(conv);
    if (!told.length) return void this.queued.delete(conv);
    const shown = told.slice(-SHOWN);
    const why = shown[shown.length - 1]!.told!;
    const more = told.length - shown.length;
    const text = frameNotice(conv, shown, more > 0 ? `${why} (and ${more} earlier message(s) that did not fit here, kept until you have seen these)` : why);
    const put = this.queue.put(text, this.key(conv));
    const held = this.queue.holds(this.key(conv));
    // put is false also when the same digest is queued already (the host keeps one copy)
    if (!put && held !== true) throw new Error('the host refused the owner notice');
    if (held === undefined) {
      if (!this.warned) this.log('this host cannot say whether the owner has seen a notice: a notice counts as seen once queued');
      this.warned = true;
      return this.inbox.markDone(shown.map((e) => e.id));
    }
    this.queued.set(conv, shown.map((e) => e.id));
  }

  /** Done for what the owner's session took; queues digests not queued by this process (after a restart). */
  async tick(): Promise<void> {
    const convs = new Set(this.inbox.told().map((e) => e.conv));
    for (const conv of convs) {
      const shown = this.queued.get(conv);
      if (!shown) {
        await this.put(conv);
        continue;
      }
      if (this.queue.holds(this.key(conv)) !== false) continue;
      this.queued.delete(conv);
      await this.inbox.markDone(shown);
      await this.put(conv);
    }
  }
}
