/**
 * Waiting with real timers that an AbortSignal cuts short (opennexus spec §10 B6: the
 * reference's HELLO_ACK timeout was not a timer).
 */
import { parseEnvelope, type Envelope } from './core/wire.ts';
import type { SseStream } from './transport.ts';

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Reads `stream` until `pred` accepts a message, `ms` pass or `signal` aborts (then null). */
export async function waitForMessage(stream: SseStream, pred: (e: Envelope) => boolean, ms: number, signal?: AbortSignal): Promise<Envelope | null> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
    onAbort = () => resolve(null);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const reader = (async () => {
    for (;;) {
      const r = await stream.events.next();
      if (r.done) return null;
      if (r.value.kind !== 'data') continue;
      let env: Envelope;
      try {
        env = parseEnvelope(r.value.data);
      } catch {
        continue;
      }
      if (pred(env)) return env;
    }
  })();
  try {
    return await Promise.race([reader, timeout]);
  } finally {
    clearTimeout(timer);
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
