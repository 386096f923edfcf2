/**
 * Where a skill keeps its state: `<skill dir>/.state/<part>/`, or `$NEXUS_STATE_DIR/<part>/`.
 * The skill dir is the folder above the bundled script (`<skill>/scripts/x.mjs`).
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function skillDir(moduleUrl: string): string {
  return resolve(dirname(fileURLToPath(moduleUrl)), '..');
}

/** The session server's default DATA_DIR: `<state base>/nexus-server`. */
export function serverDataDir(env: Record<string, string | undefined>, moduleUrl: string): string {
  return join(stateDir('nexus', env, moduleUrl), '..', 'nexus-server');
}

/** The messenger's default DATA_DIR: `<state base>/messenger`. */
export function messengerDataDir(env: Record<string, string | undefined>, moduleUrl: string): string {
  return join(stateDir('opennexus', env, moduleUrl), '..', 'messenger');
}

export function stateDir(part: 'opennexus' | 'nexus', env: Record<string, string | undefined>, moduleUrl: string): string {
  const base = env.NEXUS_STATE_DIR ? resolve(env.NEXUS_STATE_DIR) : join(skillDir(moduleUrl), '.state');
  return join(base, part);
}
