export declare const DEFAULT_NEXUS_URL = "https://messaging.md";
export declare class NexusNetworkError extends Error {
    constructor(message: string);
}
export interface ApiResult<T = Record<string, unknown>> {
    status: number;
    ok: boolean;
    /** The JSON body, or null when the server did not answer JSON. */
    body: T | null;
    text: string;
}
export interface NexusClientOptions {
    url?: string;
    timeoutMs?: number;
}
export declare class NexusClient {
    readonly url: string;
    private readonly timeoutMs;
    private prefix;
    constructor(opts?: NexusClientOptions);
    request<T = Record<string, unknown>>(method: string, path: string, opts?: {
        headers?: Record<string, string>;
        body?: unknown;
    }): Promise<ApiResult<T>>;
    /** Session routes: plural first, singular once if the plural route does not exist. */
    private session;
    private static agent;
    createSession(opts?: {
        ttl?: number;
        greeting?: string;
        maxAgents?: number;
        creatorAgentId?: string;
    }): Promise<ApiResult<Record<string, unknown>>>;
    status(sessionId: string): Promise<ApiResult<Record<string, unknown>>>;
    join(sessionId: string, agentId: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    send(sessionId: string, agentId: string, text: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    poll(sessionId: string, agentId: string, opts?: {
        after?: string;
        members?: boolean;
        limit?: number;
    }): Promise<ApiResult<Record<string, unknown>>>;
    renew(sessionId: string, agentId: string, ttl?: number): Promise<ApiResult<Record<string, unknown>>>;
    leave(sessionId: string, agentId: string, key?: string): Promise<ApiResult<Record<string, unknown>>>;
    pair(sessionId: string): Promise<ApiResult<Record<string, unknown>>>;
    claim(code: string, agentId: string): Promise<ApiResult<Record<string, unknown>>>;
    pairStatus(code: string): Promise<ApiResult<Record<string, unknown>>>;
}
