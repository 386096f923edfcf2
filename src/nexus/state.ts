/**
 * Per-session client state (nexus spec §4.2): `<state dir>/nexus/sessions/<SID>/` holding `agent`,
 * `cursor`, `key` and `server`, one value per file with a trailing newline (the seed's format),
 * 0600 files in 0700 directories, written atomically.
 *
 * Keyed by session AND agent, so two agents sharing one skill dir keep their own key and
 * cursor: the first agent saved for a session keeps the seed's files (`agent`, `key`, `cursor`,
 * so the old layout is read as it is); every other agent of that session has its own
 * `agents/<AGENT>/{key,cursor}`. With more than one agent saved, the caller must say which.
 *
 * Values a server sends are untrusted: only a safe session id, a plain decimal cursor and a
 * header-safe key are ever written (anything else is an InvalidServerValue).
 */
import { join } from 'node:path';
import { ensurePrivateDir, readTextOrNull, writeFileAtomic } from '../store/atomic-file.ts';
import { poolFiles, type Files } from '../store/files.ts';

export type StateField = 'agent' | 'cursor' | 'key' | 'server' | 'e2e';

export interface SessionState {
  sessionId: string;
  /** The agent this state is for: the one asked for, or the only one saved. */
  agent?: string;
  cursor?: string;
  key?: string;
  server?: string;
  /** An end-to-end session's secret, base64url (docs/spec/nexus-e2e.md §2): kept 0600, never sent to the server. */
  e2e?: string;
  /** Every agent saved for this session in this state dir. */
  agents?: string[];
}

/** Agent ids become directory names: the server's own rule (nexus spec §1.2(9)). */
export function safeAgentId(id: string): boolean {
  return /^[A-Za-z0-9._-]{1,128}$/.test(id) && id !== '.' && id !== '..';
}

/** A value from the server that must not be saved (the server misbehaved). */
export class InvalidServerValue extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidServerValue';
  }
}

/** The state dir cannot be written: found before any request that would need it. */
export class StateDirError extends Error {
  constructor(
    readonly dir: string,
    reason: string,
  ) {
    super(`cannot write the nexus state dir ${dir} (${reason})`);
    this.name = 'StateDirError';
  }
}

/** Session ids become directory names: refuse anything that could escape the folder. */
export function safeSessionId(id: string): boolean {
  return /^[A-Za-z0-9_-]{1,128}$/.test(id);
}

/** Cursors are plain decimal strings (nexus spec §2.6); 20 digits hold any u64. */
export function validCursor(c: unknown): c is string {
  return typeof c === 'string' && /^[0-9]{1,20}$/.test(c);
}

/**
 * A session key from the server, checked before it is saved: one token of visible ASCII (it
 * goes back in the X-Session-Key header; nexus spec §2.1 says 256 bits, ours are 64 hex digits).
 * Absent or empty means "no key".
 */
export function serverKey(k: unknown): { key?: string } {
  if (k === undefined || k === null || k === '') return {};
  if (typeof k !== 'string' || !/^[\x21-\x7e]{1,512}$/.test(k)) throw new InvalidServerValue('the sessionKey from the server is not a plain token; nothing was saved');
  return { key: k };
}

/** A session id from the server, checked before it becomes a directory name. */
export function serverSessionId(sid: unknown): string {
  if (typeof sid !== 'string' || !safeSessionId(sid)) throw new InvalidServerValue('the sessionId from the server is not a safe session id; nothing was saved');
  return sid;
}

export class NexusState {
  constructor(
    readonly dir: string,
    /** Who does the file work (store/files.ts): inline for one-shot CLI commands, else the thread pool. */
    private readonly files: Files = poolFiles,
  ) {}

  private sessionDir(sid: string): string {
    if (!safeSessionId(sid)) throw new Error(`invalid session id: ${sid}`);
    return join(this.dir, 'sessions', sid);
  }

  private agentDir(sid: string, agent: string): string {
    if (!safeAgentId(agent)) throw new Error(`invalid agent id: ${agent}`);
    return join(this.sessionDir(sid), 'agents', agent);
  }

  /** The state of `agent` in session `sid` (or of the only agent saved, when none is named). */
  async load(sid: string, agent?: string): Promise<SessionState> {
    const d = this.sessionDir(sid);
    // A state path under a regular file (ENOTDIR) holds nothing; assertWritable reports it.
    const orNull = (e: NodeJS.ErrnoException) => (e.code === 'ENOTDIR' ? null : Promise.reject(e));
    const read = async (dir: string, f: StateField) => (await readTextOrNull(join(dir, f), this.files).catch(orNull))?.trim() || undefined;
    const [first, server, e2e] = await Promise.all([read(d, 'agent'), read(d, 'server'), read(d, 'e2e')]);
    const others = (await this.files.list(join(d, 'agents')).catch(() => [] as string[])).filter((a) => safeAgentId(a) && a !== first).sort();
    const agents = [...(first ? [first] : []), ...others];
    const who = agent ?? (agents.length === 1 ? agents[0] : undefined);
    // The first agent (or a session saved without one) keeps the seed's files.
    let dir: string | null = d;
    if (who === undefined) dir = agents.length > 1 ? null : d;
    else if (who !== first) dir = safeAgentId(who) ? this.agentDir(sid, who) : null;
    const [cursor, key] = dir ? await Promise.all([read(dir, 'cursor'), read(dir, 'key')]) : [undefined, undefined];
    return {
      sessionId: sid,
      ...(who ? { agent: who } : {}),
      ...(cursor ? { cursor } : {}),
      ...(key ? { key } : {}),
      ...(server ? { server } : {}),
      ...(e2e ? { e2e } : {}),
      agents,
    };
  }

  /**
   * Saves values of session `sid`: `server` for the session; `cursor` and `key` for `agent`
   * (`values.agent`, else the `agent` argument), in its own folder unless it is the session's
   * first agent.
   */
  async save(sid: string, values: Partial<Record<StateField, string>>, agent?: string): Promise<void> {
    const d = this.sessionDir(sid);
    const who = values.agent ?? agent;
    const files = this.files;
    if (values.server !== undefined) await writeFileAtomic(join(d, 'server'), `${values.server}\n`, { files });
    if (values.e2e !== undefined) await writeFileAtomic(join(d, 'e2e'), `${values.e2e}\n`, { files });
    const first = (await readTextOrNull(join(d, 'agent'), files).catch(() => null))?.trim() || undefined;
    let dir = d;
    if (who !== undefined && first === undefined) await writeFileAtomic(join(d, 'agent'), `${who}\n`, { files });
    else if (who !== undefined && who !== first) dir = this.agentDir(sid, who);
    for (const k of ['cursor', 'key'] as const) if (values[k] !== undefined) await writeFileAtomic(join(dir, k), `${values[k]}\n`, { files });
    if (dir !== d) await ensurePrivateDir(dir, files);
  }

  /**
   * Proves the state can be saved, before a request whose result must be saved (a claim spends
   * the pairing code; its key exists only in the answer). Creating and removing a probe file is
   * the only test that also holds for root, read-only mounts and paths under a regular file,
   * where permission bits say nothing. The session's own folder is probed when it exists.
   */
  async assertWritable(sid?: string): Promise<void> {
    const dirs = [join(this.dir, 'sessions')];
    if (sid && (await this.files.exists(this.sessionDir(sid)))) dirs.push(this.sessionDir(sid));
    for (const d of dirs) {
      const probe = join(d, `.probe-${process.pid}-${Math.random().toString(36).slice(2)}`);
      try {
        await ensurePrivateDir(d, this.files);
        await this.files.write(probe, '', { mode: 0o600, exclusive: true });
        await this.files.remove(probe);
      } catch (e) {
        const x = e as NodeJS.ErrnoException;
        throw new StateDirError(this.dir, x.code ?? x.message);
      }
    }
  }

  /** Where `agent`'s own files of session `sid` live: the session's folder for its first agent. */
  private async ownDir(sid: string, agent: string): Promise<string> {
    const d = this.sessionDir(sid);
    const first = (await readTextOrNull(join(d, 'agent'), this.files).catch(() => null))?.trim() || undefined;
    return first === undefined || first === agent ? d : this.agentDir(sid, agent);
  }

  /** The msgids `agent` has opened in session `sid`, with their cursors (e2e spec §6 replays). */
  async loadSeen(sid: string, agent: string): Promise<string> {
    return (await readTextOrNull(join(await this.ownDir(sid, agent), 'e2e-seen'), this.files).catch(() => null)) ?? '';
  }

  async saveSeen(sid: string, agent: string, text: string): Promise<void> {
    const dir = await this.ownDir(sid, agent);
    if (dir !== this.sessionDir(sid)) await ensurePrivateDir(dir, this.files);
    await writeFileAtomic(join(dir, 'e2e-seen'), text, { files: this.files });
  }

  async remove(sid: string): Promise<void> {
    await this.files.removeTree(this.sessionDir(sid));
  }

  async list(): Promise<string[]> {
    try {
      return (await this.files.list(join(this.dir, 'sessions'))).filter(safeSessionId).sort();
    } catch {
      return [];
    }
  }
}
