/**
 * The OpenNexus client's two HTTP calls, on the shared bounded client (src/http/client.ts):
 * a JSON POST with a total deadline, and the agent's SSE stream.
 */
import { NetworkError, type SseEvent, type SseStream } from '../http/client.js';
export { NetworkError, type SseEvent, type SseStream };
export interface PostResult {
    status: number;
    body: string;
}
export declare function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult>;
export declare function openSse(url: string, headers: Record<string, string>, signal?: AbortSignal, connectTimeoutMs?: number): Promise<SseStream>;
