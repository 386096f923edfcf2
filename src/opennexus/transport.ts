/**
 * The OpenNexus client's two HTTP calls, on the shared bounded client (src/http/client.ts):
 * a JSON POST with a total deadline, and the agent's SSE stream.
 */
import { NetworkError, openSse as openSseStream, request, type SseEvent, type SseStream } from '../http/client.ts';

export { NetworkError, type SseEvent, type SseStream };

export interface PostResult {
  status: number;
  body: string;
}

/** A messenger answers a POST with a few bytes (`{"status":"ok"}` or an error line). */
const MAX_POST_ANSWER = 64 * 1024;

/**
 * An SSE line holds one relayed message: at most 64 KiB of request (opennexus spec §6.1), which
 * Go-style escaping can grow up to six times. 1 MiB leaves room and still bounds memory.
 */
const MAX_SSE_LINE = 1 << 20;

export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<PostResult> {
  const r = await request(url, { method: 'POST', body, headers, timeoutMs, maxBodyBytes: MAX_POST_ANSWER, ...(signal ? { signal } : {}) });
  return { status: r.status, body: r.body };
}

export function openSse(url: string, headers: Record<string, string>, signal?: AbortSignal, connectTimeoutMs = 20_000): Promise<SseStream> {
  return openSseStream(url, { headers, connectTimeoutMs, maxLineBytes: MAX_SSE_LINE, ...(signal ? { signal } : {}) });
}
