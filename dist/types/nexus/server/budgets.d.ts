import type { SessionRecord } from '../../store/nexus-store.js';
/** nexus spec §2.3: json is any JSON object, at most 64 KiB serialised. */
export declare const MAX_JSON_BYTES = 65536;
/** The largest request body the session server reads (larger: 413 payload_too_large). */
export declare const MAX_REQUEST_BYTES: number;
/** MAX_JSON_NODES' default: the values a message's json may have. */
export declare const DEFAULT_MAX_JSON_NODES = 1000;
/** MAX_MESSAGE_CHARS' default: the longest message text. */
export declare const DEFAULT_MAX_MESSAGE_CHARS = 16000;
/**
 * Nodes (objects, arrays and scalars) in a JSON value, counting at most `max + 1`: a 64 KiB
 * payload of empty arrays has ~21k nodes and costs ~1 MiB of heap as objects; the node cap
 * bounds that, and the count stops as soon as the cap is passed.
 */
export declare function jsonNodes(v: unknown, max: number): number;
/** Checks a send's `json` (nexus spec §2.3): an object, at most MAX_JSON_BYTES and `maxNodes` nodes. */
export declare function checkJsonPayload(raw: unknown, maxNodes: number): void;
/**
 * What a session's metadata costs on disk, at most: its record, a seat per possible agent
 * (id, key hash, times: ~250 bytes each) and its greeting, which is stored with it for up to
 * the session's TTL.
 */
export declare function sessionCost(greeting: string | null, maxAgents: number): number;
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
export declare class StorageQuota implements Quota {
    private readonly perIp;
    private readonly max;
    private readonly bySession;
    private readonly byIp;
    private total;
    private loaded;
    readonly ready: Promise<void>;
    constructor(perIp: number, max: number, existing?: Promise<SessionRecord[]>);
    /** Charges `bytes` to `ip` for session `sid`, or throws 429 (this address) / 503 (the server). */
    charge(ip: string, sid: string, bytes: number): void;
    private add;
    release(sid: string): void;
    private remove;
}
