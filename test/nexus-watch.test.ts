// How a watch (src/nexus/watch.ts) says it ended, with a scripted client: only a stream that was
// down at the deadline (never opened, or a reopen that failed) is reported as such.
import { describe, expect, it } from 'vitest';
import type { NexusClient } from '../src/nexus/client.ts';
import { watchSession } from '../src/nexus/watch.ts';
import { NetworkError } from '../src/http/network-error.ts';

/** A client whose nth stream() call does what `script[n]` says (the last one repeats). */
function scripted(script: Array<'ends' | 'fails' | 'hangs'>) {
  let n = 0;
  return {
    stream: async (_sid: string, _agent: string, o: { signal: AbortSignal }) => {
      const step = script[Math.min(n++, script.length - 1)];
      if (step === 'fails') throw new NetworkError('unreachable', 'connect ECONNREFUSED');
      if (step === 'hangs') await new Promise((_r, reject) => o.signal.addEventListener('abort', () => reject(new Error('aborted'))));
      return { events: (async function* () {})(), close() {} };
    },
  } as unknown as NexusClient;
}

const watch = (client: NexusClient, retryMs: number) => watchSession(client, 'sid', 'a', { timeoutMs: 300, retryMs, onMessage: () => {} });

describe('watch: how it ended', () => {
  it('the deadline in the pause after a normal end of the stream is a timeout, not a disconnect', async () => {
    expect((await watch(scripted(['ends']), 10_000)).ended).toBe('timeout');
  });

  it('a reopen that failed, or is unanswered at the deadline, is disconnected', async () => {
    expect((await watch(scripted(['ends', 'fails']), 5)).ended).toBe('disconnected');
    expect((await watch(scripted(['ends', 'hangs']), 5)).ended).toBe('disconnected');
  });

  it('no stream ever opened is unreachable', async () => {
    expect((await watch(scripted(['hangs']), 5)).ended).toBe('unreachable');
  });
});
