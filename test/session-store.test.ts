// The session cache file (src/opennexus/session-store.ts): one that is not a cache at all is
// moved aside with a warning, never written over unseen (it may hold queued messages).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { identityFromSeed } from '../src/opennexus/core/identity.ts';
import { SessionStore } from '../src/opennexus/session-store.ts';
import { inlineFiles } from '../src/store/files.ts';
import { tempDir } from './helpers/agents.ts';

describe('SessionStore', () => {
  it('an unreadable cache file is moved aside under the lock, with a warning, and the update starts empty', async () => {
    const dir = tempDir('session-store-');
    const warned: string[] = [];
    const store = new SessionStore(dir, identityFromSeed(new Uint8Array(32).fill(7)).agentId, inlineFiles, (l) => warned.push(l));
    writeFileSync(store.path, '{"outbox": [ torn');
    expect((await store.read()).outbox).toEqual([]); // a reader without the lock changes nothing
    expect(readFileSync(store.path, 'utf8')).toBe('{"outbox": [ torn');
    expect(await store.readChecked()).toMatchObject({ unreadable: true });
    await store.update((c) => ({ cache: { ...c, peerMessengerUrls: { p: 'http://x' } }, result: null }));
    const aside = readdirSync(dir).filter((f) => f.includes('.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(`${dir}/${aside[0]}`, 'utf8')).toBe('{"outbox": [ torn');
    expect(warned).toEqual([expect.stringMatching(/could not be read; a copy is in .*\.unreadable-\d+, and it starts empty/)]);
    expect((await store.read()).peerMessengerUrls).toEqual({ p: 'http://x' });
    // An empty file is just empty.
    writeFileSync(store.path, '');
    await store.update(() => ({ result: null }));
    expect(warned).toHaveLength(1);
  });

  it('invalid entries are dropped with a warning and a copy of the file; a session without valid counters is never read as counter 0', async () => {
    const dir = tempDir('session-store-');
    const warned: string[] = [];
    const store = new SessionStore(dir, identityFromSeed(new Uint8Array(32).fill(8)).agentId, inlineFiles, (l) => warned.push(l));
    const k = Buffer.alloc(32, 1).toString('base64');
    const session = { session_id: k, tx_key: k, rx_key: k, rx_counter: -1, rx_window: '0', peer_public_key: k, local_ephemeral_public_key: k, peer_ephemeral_public_key: k, confirmed: true, last_used_ms: 1 };
    const good = { id: 'ok', peer: 'P', bytes: 'aGk=', created_ms: 0, expires_ms: 9e12, state: 'queued', redelivered: false };
    // One flipped letter: "tx_counteR" — read as 0, it would seal again at a spent nonce.
    writeFileSync(store.path, JSON.stringify({ sessions: { P: { ...session, tx_counteR: 5 } }, outbox: [good, { ...good, id: 'bad', bytes: '*aGk=' }] }));
    const seen = await store.readChecked();
    expect([Object.keys(seen.cache.sessions), seen.cache.outbox.map((e) => e.id), seen.skipped]).toEqual([[], ['ok'], 2]);
    await store.update((c) => ({ cache: c, result: null }));
    expect(warned).toEqual([expect.stringMatching(/^Warning: 2 invalid entries of the session cache .* were dropped; the file as it was is in .*\.unreadable-\d+$/)]);
    expect(readdirSync(dir).filter((f) => f.includes('.unreadable-'))).toHaveLength(1);
  });
});
