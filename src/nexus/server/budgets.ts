/**
 * Byte budgets of the session server that sit above the store (DESIGN: every buffer has a byte
 * budget): the shape of a message's JSON payload (nexus spec §2.3 send: "64 KB serialized json"),
 * and the storage a session's metadata takes, per client address and in total. Message bytes
 * per session, in total and per poll are enforced by the store (store/message-log.ts).
 */
import { HttpError } from '../../http/errors.ts';
import type { SessionRecord } from '../../store/nexus-store.ts';
import { invalidRequest } from './rules.ts';

/** nexus spec §2.3: json is any JSON object, at most 64 KiB serialised. */
export const MAX_JSON_BYTES = 65_536;
/** The largest request body the session server reads (larger: 413 payload_too_large). */
export const MAX_REQUEST_BYTES = 256 * 1024;
/** MAX_JSON_NODES' default: the values a message's json may have. */
export const DEFAULT_MAX_JSON_NODES = 1000;
/** MAX_MESSAGE_CHARS' default: the longest message text. */
export const DEFAULT_MAX_MESSAGE_CHARS = 16_000;

/**
 * Nodes (objects, arrays and scalars) in a JSON value, counting at most `max + 1`: a 64 KiB
 * payload of empty arrays has ~21k nodes and costs ~1 MiB of heap as objects; the node cap
 * bounds that, and the count stops as soon as the cap is passed.
 */
export function jsonNodes(v: unknown, max: number): number {
  let n = 0;
  const stack: unknown[] = [v];
  while (stack.length && n <= max) {
    const x = stack.pop();
    n++;
    if (x !== null && typeof x === 'object') {
      if (Array.isArray(x)) for (const y of x) stack.push(y);
      else for (const k in x as Record<string, unknown>) stack.push((x as Record<string, unknown>)[k]);
    }
  }
  return n;
}

/** Checks a send's `json` (nexus spec §2.3): an object, at most MAX_JSON_BYTES and `maxNodes` nodes. */
export function checkJsonPayload(raw: unknown, maxNodes: number): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidRequest('json', 'json must be a JSON object');
  if (jsonNodes(raw, maxNodes) > maxNodes) throw invalidRequest('json', `json must have at most ${maxNodes} values (objects, arrays and scalars together)`);
  if (JSON.stringify(raw).length > MAX_JSON_BYTES) throw invalidRequest('json', 'json must be at most 64 KiB');
}

/**
 * What a session's metadata costs on disk, at most: its record, a seat per possible agent
 * (id, key hash, times: ~250 bytes each) and its greeting, which is stored with it for up to
 * the session's TTL.
 */
export function sessionCost(greeting: string | null, maxAgents: number): number {
  return 512 + 256 * maxAgents + (greeting ? Buffer.byteLength(greeting) : 0);
}

/** What the routes and the sweep need of a storage quota: in memory here, in Redis when shared (redis/quota.ts). */
export interface Quota {
  /** Resolves once the sessions that existed at start-up are counted. */
  readonly ready: Promise<void>;
  /** Charges `bytes` to `ip` for session `sid`, or throws 429 (this address) / 503 (the server). */
  charge(ip: string, sid: string, bytes: number): void | Promise<void>;
  release(sid: string): void;
}

/**
 * Storage taken by live sessions, per client address (the creator's) and in total. Charged at
 * create, released when the session is gone. Sessions that exist at start-up count towards the
 * total only (the creator's address is not stored); they are counted in slices, and `ready`
 * says when (a release waits for it, so nothing is released before it was added).
 */
export class StorageQuota implements Quota {
  private readonly bySession = new Map<string, { ip: string; bytes: number }>();
  private readonly byIp = new Map<string, number>();
  private total = 0;
  private loaded = false;
  readonly ready: Promise<void>;

  constructor(
    private readonly perIp: number,
    private readonly max: number,
    existing: Promise<SessionRecord[]> = Promise.resolve([]),
  ) {
    this.ready = (async () => {
      const all = await existing;
      for (let i = 0; i < all.length; i++) {
        this.add('', all[i]!.sessionId, sessionCost(all[i]!.greeting, all[i]!.maxAgents));
        if (i % 2000 === 1999) await new Promise((r) => setImmediate(r));
      }
      this.loaded = true;
    })();
  }

  /** Charges `bytes` to `ip` for session `sid`, or throws 429 (this address) / 503 (the server). */
  charge(ip: string, sid: string, bytes: number): void {
    const used = this.byIp.get(ip) ?? 0;
    if (used + bytes > this.perIp) {
      const message = `sessions created from this address already hold ${used} bytes (limit ${this.perIp}); wait until some expire`;
      throw new HttpError(429, { error: 'storage_quota_exceeded', message, retryAfter: 60 }, { 'retry-after': '60' });
    }
    if (this.total + bytes > this.max) {
      const message = 'the server holds as many sessions as it may store; try again later';
      throw new HttpError(503, { error: 'storage_full', message, retryAfter: 60 }, { 'retry-after': '60' });
    }
    this.add(ip, sid, bytes);
  }

  private add(ip: string, sid: string, bytes: number): void {
    this.remove(sid);
    this.bySession.set(sid, { ip, bytes });
    if (ip) this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + bytes);
    this.total += bytes;
  }

  release(sid: string): void {
    if (this.loaded) this.remove(sid);
    else void this.ready.then(() => this.remove(sid));
  }

  private remove(sid: string): void {
    const e = this.bySession.get(sid);
    if (!e) return;
    this.bySession.delete(sid);
    this.total -= e.bytes;
    if (!e.ip) return;
    const left = (this.byIp.get(e.ip) ?? 0) - e.bytes;
    if (left > 0) this.byIp.set(e.ip, left);
    else this.byIp.delete(e.ip);
  }
}
