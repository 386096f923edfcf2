// The plugin's OpenNexus follower keeps every message and every undelivered notice in the inbox
// (the Sink), with its text; a message the inbox cannot take is logged as LOST, never dropped
// unseen.
import { describe, expect, it } from 'vitest';
import type { ClientEvent, OpenNexusClient } from '../src/opennexus/client.ts';
import { followOpenNexus, type Sink } from '../src/plugin/follow.ts';
import type { InboxEntry } from '../src/plugin/inbox.ts';

describe('followOpenNexus', () => {
  it('keeps refused and expired messages as notices, saying which is unconfirmed and which undelivered', async () => {
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
    const kept: Omit<InboxEntry, 'at'>[] = [];
    const sink: Sink = { arrive: async (e) => void kept.push(e) };
    await followOpenNexus(client, sink, ac.signal, () => {});
    expect(kept.map((w) => w.id)).toEqual(['opennexus:PEER:refused:r1', 'opennexus:PEER:expired:e1', 'opennexus:PEER:expired:e2']);
    expect(kept.every((k) => k.kind === 'notice' && k.conv === 'opennexus:PEER')).toBe(true);
    expect(kept[0]!.text).toBe("Your OpenNexus message r1 to PEER was NOT delivered: the peer's messenger refused it (HTTP 400). Its text:\ntoo big\nline two");
    expect(kept[1]!.text).toMatch(/^Your OpenNexus message e1 to PEER is UNCONFIRMED: the peer's messenger accepted it/);
    expect(kept[2]!.text).toMatch(/^Your OpenNexus message e2 to PEER was NOT delivered \(it waited for the peer to answer/);
  });

  it('a message the inbox refuses is logged as lost, with who sent it', async () => {
    const ac = new AbortController();
    const client = {
      listen: async (onEvent: (e: ClientEvent) => Promise<void>) => {
        await onEvent({ type: 'message', from: 'ALICE', text: 'hi', bytes: new Uint8Array(), sessionId: 'S', counter: 1n, publicKey: 'K' });
        ac.abort();
      },
    } as unknown as OpenNexusClient;
    const logs: string[] = [];
    await followOpenNexus(client, { arrive: async () => Promise.reject(new Error('the inbox is full')) }, ac.signal, (l) => logs.push(l));
    expect(logs).toEqual([expect.stringMatching(/from ALICE could not be kept \(the inbox is full\); it is LOST/)]);
  });
});
