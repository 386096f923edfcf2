import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64 } from '../../src/opennexus/core/bytes.ts';
import { randomBytes } from '../../src/opennexus/core/crypto.ts';
import { identityFromSeed } from '../../src/opennexus/core/identity.ts';
import { OpenNexusClient, type ClientEvent, type OpenNexusClientOptions } from '../../src/opennexus/client.ts';

export function tempDir(prefix = 'nexus-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface TestAgent {
  pub: string;
  priv: string;
  dir: string;
  client(url: string, extra?: Partial<OpenNexusClientOptions>): OpenNexusClient;
}

export function makeAgent(): TestAgent {
  const id = identityFromSeed(randomBytes(32));
  const dir = tempDir();
  const pub = id.publicKeyB64;
  const priv = b64(id.seed);
  return {
    pub,
    priv,
    dir,
    client: (url, extra = {}) => new OpenNexusClient({ identityPublicKey: pub, identityPrivateKey: priv, messengerUrl: url, stateDir: dir, ...extra }),
  };
}

/** Runs client.listen in the background, collecting events; `until` waits for one with a deadline. */
export function listenInBackground(client: OpenNexusClient) {
  const events: ClientEvent[] = [];
  const waiters: Array<() => void> = [];
  const ac = new AbortController();
  let connected!: () => void;
  const ready = new Promise<void>((r) => (connected = r));
  const done = client.listen(
    (e) => {
      events.push(e);
      if (e.type === 'connected') connected();
      for (const w of waiters.splice(0)) w();
    },
    { signal: ac.signal },
  );
  async function until(pred: (events: ClientEvent[]) => boolean, ms = 8000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred(events)) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`timed out; events: ${JSON.stringify(events.map((e) => e.type))}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
  return { events, ready, until, stop: async () => (ac.abort(), done) };
}

export const texts = (events: ClientEvent[]) => events.flatMap((e) => (e.type === 'message' ? [e.text] : []));
