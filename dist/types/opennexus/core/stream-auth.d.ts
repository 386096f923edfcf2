import type { Identity } from './identity.js';
export declare const STREAM_AUTH_HEADER = "X-Agent-Auth";
/** The route a proof is for: the messenger's own path, whatever prefix a proxy adds in front. */
export declare const STREAM_ROUTE = "GET /v1/messages/stream";
export declare const STREAM_AUTH_SKEW_MS: number;
export type StreamProofCheck = 'ok' | 'missing' | 'malformed' | 'stale' | 'wrong_agent' | 'bad_signature';
/** The header value for `identity`'s stream, made at `nowMs`. */
export declare function streamProof(identity: Identity, nowMs: number, route?: string): string;
/**
 * Checks a proof for a stream of `agentIdB64` at `nowMs`, cheapest test first: the signature is
 * verified only when everything else holds.
 */
export declare function checkStreamProof(header: string | undefined, agentIdB64: string, nowMs: number, route?: string): StreamProofCheck;
