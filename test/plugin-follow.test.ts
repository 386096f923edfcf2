// The plugin's OpenNexus follower wakes the agent for every message that left the outbox
// undelivered (refused by the messenger, or expired), with its text; never silently.
import { describe, expect, it } from 'vitest';
import type { ClientEvent, OpenNexusClient } from '../src/opennexus/client.ts';
import { followOpenNexus } from '../src/plugin/follow.ts';
import type { Waker } from '../src/plugin/wake.ts';

describe('followOpenNexus', () => {
  it('wakes the agent for refused and expired messages, saying which is unconfirmed and which undelivered', async () => {
    const ac = new AbortController();
    const events: ClientEvent[] = [
      { type: 'refused', to: 'PEER', id: 'r1', text: 'too big\nline two', error: 'HTTP 400: body too large' },
      { type: 'expired', to: 'PEER', id: 'e1', text: 'never answered', state: 'sent' },
      { type: 'expired', to: 'PEER', id: 'e2', text: 'never sent', state: 'queued' },
    ];
    const client = {
      listen: async (onEvent: (e: ClientEvent) => Promise<void>) => {
        for (const e of events) await onEvent(e);
        ac.abort();
      },
    } as unknown as OpenNexusClient;
    const woken: Array<{ key: string; text: string; reason: string }> = [];
    const waker = { arrive: async (a: { key: string; text: string }, reason: string) => void woken.push({ ...a, reason }) } as unknown as Waker;
    await followOpenNexus(client, waker, ac.signal, () => {});
    expect(woken.map((w) => w.key)).toEqual(['opennexus:refused:r1', 'opennexus:expired:e1', 'opennexus:expired:e2']);
    expect(woken[0]!.text).toBe("Your OpenNexus message r1 to PEER was NOT delivered: the peer's messenger refused it (HTTP 400). Its text:\n> too big\n> line two");
    expect(woken[1]!.text).toMatch(/^Your OpenNexus message e1 to PEER is UNCONFIRMED: the peer's messenger accepted it/);
    expect(woken[2]!.text).toMatch(/^Your OpenNexus message e2 to PEER was NOT delivered \(it waited for the peer to answer/);
    expect(new Set(woken.map((w) => w.reason))).toEqual(new Set(['OpenNexus delivery failed']));
  });
});
