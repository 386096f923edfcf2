/**
 * Posting, in order, what a step produced (sealed outbox messages, HELLOs, HELLO_ACKs, resets),
 * for `send` and `stream` alike. After a DATA fails on the way or is refused, the later ones to
 * that peer are not tried (they go back to the queue in order, to be sealed anew); a refusal
 * (400/413) takes that message out of the outbox and reports it. One cache update then records
 * every DATA outcome (core/outbox.ts afterPosts, which ignores entries changed meanwhile: a
 * reclaimed or requeued entry no longer matches its old session and counter).
 */
import { afterPosts, postVerdict, textOf, type PostOutcome, type PostVerdict } from './core/outbox.ts';
import type { DataMessage, OutboundMessage } from './core/wire.ts';
import type { Link } from './link.ts';

export interface Post {
  url: string;
  message: OutboundMessage;
}

export interface Posted {
  /** One per message, in order: its verdict and, unless ok, why. */
  results: Array<{ post: Post; verdict: PostVerdict | 'not_tried'; error: string }>;
  /** Outbox messages the messenger refused, with their text: the caller reports them. */
  refused: Array<{ id: string; to: string; text: string; error: string }>;
  /** The outcomes could not be saved (lock or disk): messages stay `posting` until reclaimed. */
  recordError?: string;
}

/** Which outbox entry a DATA was sealed from: its session and counter. */
const sealedAs = (m: DataMessage) => ({ sessionId: m.session_id, counter: m.counter.toString() });
const keyOf = (k: { sessionId?: string; counter?: string }) => `${k.sessionId}/${k.counter}`;

export async function postInOrder(link: Link, posts: Post[], signal?: AbortSignal): Promise<Posted> {
  const results: Posted['results'] = [];
  const outcomes: PostOutcome[] = [];
  const errors = new Map<string, string>();
  const failedPeers = new Map<string, string>();
  for (const post of posts) {
    const m = post.message;
    const earlier = m.type === 'data' ? failedPeers.get(m.receiver_id) : undefined;
    if (m.type === 'data' && earlier !== undefined) {
      // Posting later messages after one failed would deliver them out of order.
      results.push({ post, verdict: 'not_tried', error: `an earlier message to this peer did not get out (${earlier})` });
      outcomes.push({ ...sealedAs(m), verdict: 'retry' });
      continue;
    }
    const r = await link.tryPost(post.url, m, signal);
    const verdict = postVerdict(r.status);
    results.push({ post, verdict, error: r.error });
    if (m.type !== 'data') continue;
    outcomes.push({ ...sealedAs(m), verdict });
    errors.set(keyOf(sealedAs(m)), r.error);
    // After a refusal too: a wrong URL answering 400 to everything must not empty a peer's
    // queue in one go (one message per attempt leaves; the rest wait for the next).
    if (verdict !== 'ok') failedPeers.set(m.receiver_id, r.error);
  }
  if (!outcomes.length) return { results, refused: [] };
  try {
    // Not fsync'd: if this is lost, the messages stay `posting` and are reclaimed later (a
    // possible duplicate, never a loss); no counter is spent here.
    const refused = await link.store.update((c) => {
      const a = afterPosts(c, outcomes);
      return { cache: a.cache, result: a.refused };
    }, {}, { durable: false });
    return { results, refused: refused.map((e) => ({ id: e.id, to: e.peer, text: textOf(e), error: errors.get(keyOf(e)) ?? '' })) };
  } catch (e) {
    return { results, refused: [], recordError: (e as Error).message };
  }
}
