/**
 * An agent's identity on disk (opennexus spec §1.2): two key files, base64 text, 0600 in a
 * 0700 folder, written atomically. The workflow the CLI and the plugin share: generate once
 * (never silently replacing an identity), load for every send and stream.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KeysError } from './errors.ts';
import { randomBytes } from './core/crypto.ts';
import { b64, concat, utf8 } from './core/bytes.ts';
import { sha256 } from './core/crypto.ts';
import { identityFromCheckedPair, identityFromKeyTexts, identityFromSeed, keyFileText, parseKeyText, type Identity } from './core/identity.ts';
import { ensurePrivateDir, writeFileAtomic } from '../store/atomic-file.ts';
import { poolFiles, type Files } from '../store/files.ts';

export { KeysError };

export interface KeyPaths {
  pub: string;
  priv: string;
}

export const defaultKeyPaths = (dir: string): KeyPaths => ({ pub: join(dir, 'public_key'), priv: join(dir, 'private_key') });

export interface LoadedKeys {
  identity: Identity;
  pubText: string;
  privText: string;
}

async function readKeyFile(path: string, files: Files = poolFiles): Promise<string> {
  try {
    return await files.readText(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeysError('no_keys', `No keys found (${path} does not exist). Run 'generate-keys' first.`);
    throw new KeysError('unreadable', `cannot read ${path}: ${code ?? (e as Error).message}`);
  }
}

/** A peer key given as text or as a file holding it; a path that names no file says so. */
export async function keyTextOrFile(v: string): Promise<string> {
  if (existsSync(v)) return (await readKeyFile(v)).trim();
  // Base64 has no ".", "~" or "\\": a value that starts with "." or "~", or holds a "\\", is a path.
  if (/^[.~]|\\/.test(v)) throw new KeysError('unreadable', `${v}: no such file (give the peer's public key, its agent id, or a file holding the key)`);
  return v;
}

export async function loadKeys(paths: KeyPaths, files: Files = poolFiles): Promise<LoadedKeys> {
  // Read together; a missing identity is still reported by its public key file first.
  const tagFile = `${paths.priv}.checked`;
  const [pub, priv, tagText] = await Promise.allSettled([readKeyFile(paths.pub, files), readKeyFile(paths.priv, files), files.readText(tagFile)]);
  if (pub.status === 'rejected') throw pub.reason;
  if (priv.status === 'rejected') throw priv.reason;
  const [pubText, privText] = [pub.value, priv.value];
  // Checking that the two files belong together derives the public key from the seed. Once
  // checked, a tag of the pair beside the private key (0600) says so, and a send over a live
  // session needs no Ed25519 operation; a changed file no longer matches its tag.
  const pair = parsePair(pubText, privText);
  const tag = pair && b64(sha256(concat(utf8('OpenNexus-keypair-checked'), pair.seed, pair.pub)));
  if (pair && tagText.status === 'fulfilled' && tagText.value === tag) {
    return { identity: identityFromCheckedPair(pair.seed, pair.pub), pubText, privText };
  }
  let identity: Identity;
  try {
    identity = identityFromKeyTexts(pubText, privText);
  } catch (e) {
    throw new KeysError('bad_key', `bad key files (${paths.pub}, ${paths.priv}): ${(e as Error).message}`);
  }
  // A read-only state dir just checks every time.
  if (tag) await writeFileAtomic(tagFile, tag, { sync: false, files }).catch(() => {});
  return { identity, pubText, privText };
}

function parsePair(pubText: string, privText: string): { seed: Uint8Array; pub: Uint8Array } | null {
  try {
    return { seed: parseKeyText(privText, 'private key'), pub: parseKeyText(pubText, 'public key') };
  } catch {
    return null; // reported by the full check
  }
}

/** Creates a new identity; refuses to replace an existing one unless `force`. */
export async function generateKeys(paths: KeyPaths, opts: { force?: boolean } = {}): Promise<Identity> {
  if (!opts.force && (existsSync(paths.priv) || existsSync(paths.pub))) {
    throw new KeysError('exists', `${existsSync(paths.priv) ? paths.priv : paths.pub} already exists; pass --force to replace it (the old identity is lost)`);
  }
  await ensurePrivateDir(dirname(paths.priv));
  const id = identityFromSeed(randomBytes(32));
  await writeFileAtomic(paths.priv, keyFileText(id.seed));
  await writeFileAtomic(paths.pub, keyFileText(id.publicKey));
  return id;
}
