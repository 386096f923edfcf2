// The committed bundles must be what build.mjs makes from src/ today.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

describe('built artifacts', () => {
  it('scripts/*.mjs are up to date with src/ (run `npm run build`)', async () => {
    const out = tempDir('nexus-build-');
    await execa('node', ['build.mjs', '--out', out], { cwd: ROOT });
    for (const name of ['opennexus.mjs', 'nexus.mjs']) {
      const fresh = readFileSync(join(out, name), 'utf8');
      const committed = readFileSync(join(ROOT, 'scripts', name), 'utf8');
      expect(committed === fresh, `scripts/${name} is stale: run npm run build`).toBe(true);
    }
  });
});
