/**
 * Watching a session (nexus spec §2.6 event stream) for a bounded time: each message is handed
 * on and its cursor saved as it arrives, and a dropped stream is opened again after the last
 * cursor received (`Last-Event-ID`), so a reconnect neither repeats nor skips a message. Ends
 * at the time bound, after N messages from others, when the session ends, or when the server
 * refuses the stream (a 4xx: retrying would not help).
 */
import { NetworkError } from '../http/client.ts';
import type { NexusClient } from './client.ts';
import { validCursor } from './state.ts';

export type Body = Record<string, unknown>;

export interface WatchOptions {
  timeoutMs: number;
  /** Stop after this many messages that are not the watcher's own. */
  maxMessages?: number;
  /** Where to start (exclusive); undefined: from the beginning of the session. */
  after?: string;
  key?: string;
  /** Handed each message; awaited before its cursor is saved (at-least-once: a crash in between repeats it). */
  /** `false`: the message was not handed on (an E2E key check, e2e spec §5): it is not counted. */
  onMessage: (m: Body) => void | boolean | Promise<void | boolean>;
  /** Saves the cursor of each message once onMessage has taken it. */
  saveCursor?: (cursor: string) => Promise<void>;
  /** Pause before opening a dropped stream again (the server's `retry:` is 2 s). */
  retryMs?: number;
  /** Ends the watch early (as a timeout). */
  signal?: AbortSignal;
}

export interface WatchResult {
  /**
   * timeout and max_messages: the watch's bounds, met while it was connected. unreachable: no
   * stream was ever open; disconnected: the stream dropped and could not be opened again before
   * the deadline (so "no new messages" would not be true: watch again, from `cursor`). closed:
   * the creator ended the session.
   */
  ended: 'timeout' | 'max_messages' | 'expired' | 'closed' | 'refused' | 'unreachable' | 'disconnected';
  messages: number;
  fromOthers: number;
  cursor: string | null;
  reconnects: number;
  /** The server's answer when it refused the stream (or ended it with an error event). */
  error?: Body;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

/** A refusal read from openSse's error ("... HTTP 404 {json}"): its status and JSON body. */
function refusal(e: unknown): { status: number; body: Body } | null {
  if (!(e instanceof NetworkError)) return null;
  const m = /HTTP (\d{3}) ([\s\S]*)$/.exec(e.message);
  if (!m) return null;
  const status = Number(m[1]);
  let body: Body = { error: 'http_error', status };
  try {
    const parsed = JSON.parse(m[2]!) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = { ...(parsed as Body), status };
  } catch {
    // not JSON: the status says enough
  }
  return { status, body };
}

export async function watchSession(client: NexusClient, sessionId: string, agentId: string, opts: WatchOptions): Promise<WatchResult> {
  const deadline = Date.now() + opts.timeoutMs;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), opts.timeoutMs);
  const stop = () => ac.abort();
  opts.signal?.addEventListener('abort', stop, { once: true });
  if (opts.signal?.aborted) ac.abort();
  const r: WatchResult = { ended: 'timeout', messages: 0, fromOthers: 0, cursor: opts.after ?? null, reconnects: 0 };
  let opened = false;
  // Set when opening the stream again failed (not merely the pause before trying): only then
  // was the watch really down at its end.
  let reopenFailed = false;
  let lastError = 'no answer from the server';
  try {
    for (let attempt = 0; Date.now() < deadline && !ac.signal.aborted; attempt++) {
      if (attempt > 0) r.reconnects++;
      let stream;
      try {
        const at = r.cursor ?? undefined;
        stream = await client.stream(sessionId, agentId, {
          ...(opts.key ? { key: opts.key } : {}),
          ...(at !== undefined ? { after: at } : {}),
          ...(attempt > 0 && at !== undefined ? { lastEventId: at } : {}),
          signal: ac.signal,
        });
      } catch (e) {
        // A reopen still unanswered at the deadline counts as failed.
        reopenFailed = opened;
        if (ac.signal.aborted) break;
        lastError = (e as Error).message;
        const refused = refusal(e);
        if (refused && refused.status >= 400 && refused.status < 500 && refused.status !== 429) return { ...r, ended: 'refused', error: refused.body };
        // A URL that can never work is the caller's to report; a server that does not answer
        // (yet) is tried again until the bound, which then says `unreachable` (README, watch).
        if (e instanceof NetworkError && e.code === 'bad_url') throw e;
        await sleep(opts.retryMs ?? 2000, ac.signal);
        continue;
      }
      opened = true;
      reopenFailed = false;
      lastError = 'the server ended the stream';
      try {
        for await (const ev of stream.events) {
          if (ev.kind !== 'data') continue;
          let m: Body;
          try {
            const parsed = JSON.parse(ev.data) as unknown;
            if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) continue;
            m = parsed as Body;
          } catch {
            continue;
          }
          if (m.type === 'expired') {
            // The creator closed it (nexus/server/close.ts): the same end event, with a reason.
            if (m.reason === 'closed') return { ...r, ended: 'closed', error: { error: 'session_not_found', reason: 'closed', message: 'the session was closed by its creator' } };
            return { ...r, ended: 'expired', error: { error: 'session_not_found', message: 'the session has expired' } };
          }
          if (m.type === 'error') return { ...r, ended: 'refused', error: m };
          // A cursor that is not a plain decimal is never saved or resumed from (nexus spec §2.6).
          if (!validCursor(m.cursor)) continue;
          r.cursor = m.cursor;
          const taken = (await opts.onMessage(m)) !== false;
          if (taken) r.messages++;
          if (taken && m.mine !== true) r.fromOthers++;
          await opts.saveCursor?.(m.cursor);
          if (opts.maxMessages !== undefined && r.fromOthers >= opts.maxMessages) {
            stream.close();
            return { ...r, ended: 'max_messages' };
          }
        }
      } catch (e) {
        // A dropped or overlong stream is opened again after the last cursor; anything else
        // (the cursor could not be saved) ends the watch.
        if (!(e instanceof NetworkError)) throw e;
        lastError = e.message;
      }
      if (!ac.signal.aborted) await sleep(opts.retryMs ?? 2000, ac.signal);
    }
    // Stopped by the caller, connected, or in the pause before reopening a stream that ended:
    // the bound was met (a timeout).
    if (opts.signal?.aborted || (opened && !reopenFailed)) return r;
    const ended = opened ? 'disconnected' : 'unreachable';
    return { ...r, ended, error: { error: ended, message: `${opened ? 'lost the stream and could not open it again' : 'could not open the stream'} before the deadline: ${lastError}` } };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
    ac.abort();
  }
}
