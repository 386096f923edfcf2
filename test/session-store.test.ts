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
    await store.update((c) => ({ cache: { ...c, peerMessengerUrls: { p: 'http://x' } }, result: null }));
    const aside = readdirSync(dir).filter((f) => f.includes('.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(`${dir}/${aside[0]}`, 'utf8')).toBe('{"outbox": [ torn');
    expect(warned).toEqual([expect.stringMatching(/could not be read; moved to .*\.unreadable-\d+, starting empty/)]);
    expect((await store.read()).peerMessengerUrls).toEqual({ p: 'http://x' });
    // An empty file is just empty.
    writeFileSync(store.path, '');
    await store.update(() => ({ result: null }));
    expect(warned).toHaveLength(1);
  });
});
