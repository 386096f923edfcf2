/**
 * Per-session client state (issue 3): `<state dir>/nexus/sessions/<SID>/` holding `agent`,
 * `cursor`, `key` and `server`, one value per file with a trailing newline (the seed's format),
 * 0600 files in 0700 directories, written atomically.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readTextOrNull, writeFileAtomic } from '../store/atomic-file.ts';

export type StateField = 'agent' | 'cursor' | 'key' | 'server';

export interface SessionState {
  sessionId: string;
  agent?: string;
  cursor?: string;
  key?: string;
  server?: string;
}

/** Session ids become directory names: refuse anything that could escape the folder. */
export function safeSessionId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

export class NexusState {
  constructor(readonly dir: string) {}

  private sessionDir(sid: string): string {
    if (!safeSessionId(sid)) throw new Error(`invalid session id: ${sid}`);
    return join(this.dir, 'sessions', sid);
  }

  async load(sid: string): Promise<SessionState> {
    const d = this.sessionDir(sid);
    const read = async (f: StateField) => (await readTextOrNull(join(d, f)))?.trim() || undefined;
    const [agent, cursor, key, server] = await Promise.all([read('agent'), read('cursor'), read('key'), read('server')]);
    return { sessionId: sid, ...(agent ? { agent } : {}), ...(cursor ? { cursor } : {}), ...(key ? { key } : {}), ...(server ? { server } : {}) };
  }

  async save(sid: string, values: Partial<Record<StateField, string>>): Promise<void> {
    const d = this.sessionDir(sid);
    for (const [k, v] of Object.entries(values)) if (v !== undefined) await writeFileAtomic(join(d, k), `${v}\n`);
  }

  async remove(sid: string): Promise<void> {
    await rm(this.sessionDir(sid), { recursive: true, force: true });
  }

  async list(): Promise<string[]> {
    try {
      return (await readdir(join(this.dir, 'sessions'))).filter(safeSessionId).sort();
    } catch {
      return [];
    }
  }
}
