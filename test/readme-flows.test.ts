// The README's OpenNexus quick flow, run as written (in order, against a hub on free ports):
// what its comments promise is what the commands print (issue 20, Build 2).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { HUB } from '../src/cli/hub-commands.ts';
import { ROOT } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The sh blocks of one README section, in order. */
function shBlocks(heading: string): string[] {
  const start = README.indexOf(`\n## ${heading}`);
  const end = README.indexOf('\n## ', start + 4);
  return [...README.slice(start, end).matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

let hub: Awaited<ReturnType<typeof startHub>>;
beforeAll(async () => {
  hub = await startHub({ messengerPort: 0, nexusPort: 0 });
});
afterAll(async () => {
  await hub.close();
});

describe('README', () => {
  it("names the hub's start flags (--messenger-port, --nexus-port, ...)", () => {
    const start = HUB.commands.find((c) => c.name === 'start')!;
    for (const f of start.flags ?? []) expect(README, `--${f.name}`).toContain(`--${f.name}`);
  });

  it('the OpenNexus quick flow prints what its comments say, run after the block above it', async () => {
    const [first, outbox] = shBlocks('Quick flow: OpenNexus (two agents, one local messenger)');
    expect(outbox).toMatch(/"status": "queued"/);
    const tmp = tempDir('nexus-readme-');
    // The reply line names an id the reader copies from Bob's stream: the test copies it too.
    const lines = outbox!.split('\n');
    const reply = lines.findIndex((l) => l.includes('CAROL_ID_AS_SHOWN'));
    expect(reply).toBeGreaterThan(0);
    // The README's /tmp/ paths go to this test's folder; the repository's own path (which may
    // itself be under /tmp, as in a fresh clone there) is put in afterwards, untouched.
    const script = [
      'set -e',
      first!.replaceAll('/tmp/', `${tmp}/`).replace('S=scripts/opennexus.mjs', `S=${join(ROOT, 'scripts', 'opennexus.mjs')}`),
      'wait',
      'echo "=== block 2"',
      ...lines.slice(0, reply).map((l) => l.replace(/(node \$S stream --timeout 3)/, '$1 | tee "$TMP/bob-stream"')),
      `ID=$(grep '^\\[data\\] From: ' "$TMP/bob-stream" | tail -1 | sed 's/^\\[data\\] From: //')`,
      lines[reply]!.replace('CAROL_ID_AS_SHOWN', '"$ID"'),
    ]
      .map((l, i) => (i === 1 ? l : l.replaceAll('/tmp/', `${tmp}/`)))
      .join('\n');
    const r = await execa('bash', ['-c', script], { env: { MESSENGER_URL: hub.messengerUrl, TMP: tmp }, extendEnv: true, reject: false, timeout: 120_000 });
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    const [one, two] = r.stdout.split('=== block 2');
    expect(one).toContain('"text":"hello Bob"');
    expect(two).toMatch(/"status":"queued"/); // Carol's first message to Bob, who is offline
    expect(two).toContain('Message: hi\n');
    expect(r.stderr).toMatch(/Accepted by the peer's messenger/); // the reply by the id as shown
  }, 150_000);
});
