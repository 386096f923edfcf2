export type SendRequest = Partial<Record<string, string | bigint>>;
export declare const PROTOCOL_VERSION = "0.1.0";
/** Gin ShouldBindJSON: decode (first type error wins, like encoding/json), then `required`. */
export declare function decodeSendRequest(body: Uint8Array | null): SendRequest;
/** Steps 3-5 of opennexus spec §6.1, after decoding. */
export declare function checkSendRequest(req: SendRequest, agentHeader: string): void;
/**
 * The relayed Message as Go's encoder writes it (opennexus spec §6.2): struct field order, empty strings
 * and absent numbers omitted, `id`, the four base fields and `created_at` always present.
 */
export declare function encodeRelayed(req: SendRequest, id: string, createdAt: string): string;
