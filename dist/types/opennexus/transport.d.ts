export declare class TransportError extends Error {
    constructor(message: string);
}
export interface PostResult {
    status: number;
    body: string;
}
export declare function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult>;
export type SseEvent = {
    kind: 'data';
    data: string;
} | {
    kind: 'comment';
    text: string;
};
export interface SseStream {
    status: number;
    events: AsyncIterableIterator<SseEvent>;
    close(): void;
}
/**
 * Opens an SSE stream and resolves once the response headers arrive: the messenger registers
 * the subscriber before sending them (spec §4.2), so nothing sent after this is missed.
 * Lines are read one by one; `data: ` lines are data (spec §4.3: the space is required).
 */
export declare function openSse(url: string, headers: Record<string, string>, signal?: AbortSignal): Promise<SseStream>;
