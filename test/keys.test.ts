// The key-file workflow (src/opennexus/keys.ts): generate once, load, and the remembered check.
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKeyPaths, generateKeys, KeysError, loadKeys } from '../src/opennexus/keys.ts';
import { tempDir } from './helpers/agents.ts';

describe('keys', () => {
  it('loads a generated pair; the second load trusts the remembered check; a changed file is caught', async () => {
    const paths = defaultKeyPaths(join(tempDir('keys-'), 'opennexus'));
    const id = await generateKeys(paths);
    const first = await loadKeys(paths);
    expect(first.identity.agentIdB64).toBe(id.agentIdB64);
    expect(readFileSync(`${paths.priv}.checked`, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const second = await loadKeys(paths);
    expect(second.identity.agentIdB64).toBe(id.agentIdB64);
    // another identity's public key beside this private key: the tag no longer matches
    const other = await generateKeys(defaultKeyPaths(join(tempDir('keys-'), 'opennexus')));
    writeFileSync(paths.pub, other.publicKeyB64);
    await expect(loadKeys(paths)).rejects.toBeInstanceOf(KeysError);
    await expect(generateKeys(paths)).rejects.toMatchObject({ code: 'exists' });
  });
});
