/**
 * Where a skill keeps its state: `<skill dir>/.state/<part>/`, or `$NEXUS_STATE_DIR/<part>/`.
 * The skill dir is the folder above the bundled script (`<skill>/scripts/x.mjs`). A package
 * installed as a dependency (its folder inside a node_modules) keeps it per user instead,
 * `$XDG_STATE_HOME/agent-messaging/` or `~/.local/state/agent-messaging/` (XDG Base Directory
 * spec): the next `npm ci` replaces node_modules, and with it a private key kept there.
 */
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
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

/** A folder some package manager owns: anything under a `node_modules` folder. */
const insideNodeModules = (dir: string) => dir.split(sep).includes('node_modules');

/** The per-user state folder of an installed package (an empty variable counts as unset, as XDG says). */
function userStateBase(env: Record<string, string | undefined>): string {
  const xdg = env.XDG_STATE_HOME?.trim();
  if (xdg && isAbsolute(xdg)) return join(xdg, 'agent-messaging');
  return join(env.HOME?.trim() || homedir(), '.local', 'state', 'agent-messaging');
}

export function stateDir(part: 'opennexus' | 'nexus', env: Record<string, string | undefined>, moduleUrl: string): string {
  const own = env.NEXUS_STATE_DIR?.trim();
  const skill = skillDir(moduleUrl);
  const base = own ? resolve(own) : insideNodeModules(skill) ? userStateBase(env) : join(skill, '.state');
  return join(base, part);
}
