/**
 * A scripted local model for tests that run the real OpenClaw host: a small OpenAI-compatible
 * chat-completions server on 127.0.0.1 (configured in the gateway as a custom provider with
 * `api: "openai-completions"`, see gateway.ts). It logs every request body and answers each
 * from a script: queued steps, matching rules, then a default (text "ok").
 *
 *   const model = await startScriptedModel();
 *   model.script.push(callTool('opennexus_whoami', { create: true }), { text: 'done' });
 *   ...
 *   await model.waitForRequest('hello', 10_000);
 *   await model.close();
 *
 * Both plain JSON and streaming (`stream: true`, SSE chunks ending in `data: [DONE]`) are served.
 * The host shows plugin tools to the model through Tool Search (`tool_search` / `tool_describe` /
 * `tool_call`); `callTool` calls a tool directly when the request lists it and through
 * `tool_call` ({ id: name, args }) when it does not.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message of a chat-completions request (OpenAI shape; content may be a string or parts). */
export interface ChatMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | string;
  content?: string | null | Array<{ type: string; text?: string; [k: string]: unknown }>;
  tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }>;
  tool_call_id?: string;
  name?: string;
  [k: string]: unknown;
}

export interface ChatTool {
  type: string;
  function: { name: string; description?: string; parameters?: Record<string, unknown>; [k: string]: unknown };
}

/** A logged request body (parsed JSON of POST .../chat/completions). */
export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ChatTool[];
  stream?: boolean;
  [k: string]: unknown;
}

export interface ToolCallSpec {
  name: string;
  /** An object (sent JSON-encoded) or an already-encoded string. */
  arguments?: unknown;
  /** The tool call id; default `call_<n>`. */
  id?: string;
}

/** What the model answers: text, tool calls (optionally with text), or an HTTP error. */
export type ScriptedResponse =
  | { text: string; delayMs?: number }
  | { toolCalls: ToolCallSpec[]; text?: string; delayMs?: number }
  | { error: { status: number; message: string; type?: string }; delayMs?: number };

/** A script step: a response, or a function of the request (e.g. to answer from a tool result). */
export type Step = ScriptedResponse | ((req: ChatRequest, index: number) => ScriptedResponse | Promise<ScriptedResponse>);

/** Which requests: a string any message contains, a RegExp tested on the text of all messages, or a predicate. */
export type RequestMatcher = string | RegExp | ((req: ChatRequest) => boolean);

export interface Exchange {
  index: number;
  at: number;
  method: string;
  path: string;
  /** Parsed JSON body (chat requests), or undefined. */
  request?: ChatRequest;
  stream: boolean;
  /** What was answered (after resolving a function step). */
  response?: ScriptedResponse;
  status: number;
}

export interface Script {
  /** Appends steps answered in order, one per request (rules that match come first). */
  push(...steps: Step[]): void;
  /** Answers requests matching `match` with `step`, `times` times (default 1; Infinity = always), before the queue. */
  when(match: RequestMatcher, step: Step, opts?: { times?: number }): void;
  /** The answer when no rule matches and the queue is empty (default `{ text: 'ok' }`). */
  setDefault(step: Step): void;
  /** Drops queued steps and rules. */
  clear(): void;
  /** Steps still queued. */
  readonly pending: number;
}

export interface ScriptedModel {
  /** `http://127.0.0.1:PORT/v1`: the provider's `baseUrl`. */
  baseUrl: string;
  port: number;
  /** Every chat-completions request body, in arrival order. */
  requests: ChatRequest[];
  /** Every HTTP exchange (any path) with what was answered. */
  exchanges: Exchange[];
  script: Script;
  /** Resolves with the first logged request (index >= `from`, default 0) matching, or rejects after `timeoutMs`. */
  waitForRequest(match: RequestMatcher, timeoutMs?: number, opts?: { from?: number }): Promise<ChatRequest>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Reading requests

/** The text of a message: its string content, or its text parts joined. */
export function messageText(m: ChatMessage | undefined): string {
  if (!m) return '';
  const c = m.content;
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) return c.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

function lastOfRole(req: ChatRequest, role: string): ChatMessage | undefined {
  for (let i = req.messages.length - 1; i >= 0; i--) if (req.messages[i]!.role === role) return req.messages[i];
  return undefined;
}

/**
 * The host appends a user message of runtime context (`<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>` ...)
 * after the real one on every request: it is not what anyone said.
 */
export const isInternalContext = (m: ChatMessage): boolean => m.role === 'user' && messageText(m).trimStart().startsWith('<<<BEGIN_OPENCLAW_INTERNAL_CONTEXT>>>');

/** Texts of the user messages, without the host's internal-context messages. */
export const userTexts = (req: ChatRequest): string[] => req.messages.filter((m) => m.role === 'user' && !isInternalContext(m)).map(messageText);

/** Text of the last user message that is not the host's internal context ('' if none); it starts with a "[Day date time TZ] " stamp. */
export const lastUserText = (req: ChatRequest): string => userTexts(req).at(-1) ?? '';

/** Text of the last tool-result message ('' if none). */
export const lastToolText = (req: ChatRequest): string => messageText(lastOfRole(req, 'tool'));

/** The last message of the request. */
export const lastMessage = (req: ChatRequest): ChatMessage | undefined => req.messages[req.messages.length - 1];

/** Tool results in the request: tool_call_id, the name of the call it answers (when known) and text. */
export function toolResults(req: ChatRequest): { toolCallId: string; name?: string; text: string }[] {
  const names = new Map<string, string>();
  for (const m of req.messages) for (const c of m.tool_calls ?? []) names.set(c.id, c.function.name);
  return req.messages
    .filter((m) => m.role === 'tool')
    .map((m) => ({ toolCallId: String(m.tool_call_id ?? ''), name: names.get(String(m.tool_call_id ?? '')) ?? m.name, text: messageText(m) }));
}

/** Names of the tools the request offers the model. */
export const toolNames = (req: ChatRequest): string[] => (req.tools ?? []).map((t) => t.function?.name).filter((n): n is string => !!n);

/** The text of every message (and tool-call arguments), newline-joined. */
export function requestText(req: ChatRequest): string {
  return req.messages
    .map((m) => [messageText(m), ...(m.tool_calls ?? []).map((c) => `${c.function.name} ${c.function.arguments}`)].join('\n'))
    .join('\n');
}

/** Whether any message of the request contains `s`. */
export const requestContains = (req: ChatRequest, s: string): boolean => requestText(req).includes(s);

export function matches(match: RequestMatcher, req: ChatRequest): boolean {
  if (typeof match === 'string') return requestContains(req, match);
  if (match instanceof RegExp) return match.test(requestText(req));
  return match(req);
}

// ---------------------------------------------------------------------------------------------
// Writing steps

/** A `tool_search` call (Tool Search "tools" mode; the host's default). */
export const toolSearch = (query: string, limit?: number): ToolCallSpec => ({ name: 'tool_search', arguments: limit === undefined ? { query } : { query, limit } });

/** A `tool_call` of a deferred tool: `{ id: <tool name or search id>, args }`. */
export const deferredCall = (name: string, args: Record<string, unknown> = {}): ToolCallSpec => ({ name: 'tool_call', arguments: { id: name, args } });

/**
 * A step calling tool `name`: directly when the request offers it, else through `tool_call`
 * (the deferred path), else directly anyway (the host then reports the unknown tool).
 */
export function callTool(name: string, args: Record<string, unknown> = {}): Step {
  return (req) => {
    const offered = toolNames(req);
    if (offered.includes(name) || !offered.includes('tool_call')) return { toolCalls: [{ name, arguments: args }] };
    return { toolCalls: [deferredCall(name, args)] };
  };
}

/** A step answering with text made from the request (e.g. echoing the last tool result). */
export const textFrom = (f: (req: ChatRequest) => string): Step => (req) => ({ text: f(req) });

// ---------------------------------------------------------------------------------------------
// The server

interface Rule {
  match: RequestMatcher;
  step: Step;
  left: number;
}

function readBody(req: IncomingMessage, limit = 50 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const estimateTokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

export interface ScriptedModelOptions {
  /** The answer when the script has nothing (default `{ text: 'ok' }`). */
  defaultResponse?: Step;
  /** Ids listed by GET /v1/models (default ['scripted-model']). */
  modelIds?: string[];
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
}

export async function startScriptedModel(opts: ScriptedModelOptions = {}): Promise<ScriptedModel> {
  const requests: ChatRequest[] = [];
  const exchanges: Exchange[] = [];
  const queue: Step[] = [];
  let rules: Rule[] = [];
  let fallback: Step = opts.defaultResponse ?? { text: 'ok' };
  const waiters = new Set<() => void>();
  const sockets = new Set<import('node:net').Socket>();
  let callSeq = 0;

  const script: Script = {
    push: (...steps) => void queue.push(...steps),
    when: (match, step, o = {}) => void rules.push({ match, step, left: o.times ?? 1 }),
    setDefault: (step) => void (fallback = step),
    clear: () => {
      queue.length = 0;
      rules = [];
    },
    get pending() {
      return queue.length;
    },
  };

  function nextStep(req: ChatRequest): Step {
    for (const r of rules) {
      if (r.left > 0 && matches(r.match, req)) {
        r.left--;
        return r.step;
      }
    }
    return queue.shift() ?? fallback;
  }

  function toolCallsOf(specs: ToolCallSpec[]) {
    return specs.map((t) => ({
      id: t.id ?? `call_${++callSeq}`,
      type: 'function' as const,
      function: { name: t.name, arguments: typeof t.arguments === 'string' ? t.arguments : JSON.stringify(t.arguments ?? {}) },
    }));
  }

  function sendJson(res: ServerResponse, status: number, body: unknown) {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  function answer(res: ServerResponse, req: ChatRequest, r: ScriptedResponse): number {
    if ('error' in r) {
      sendJson(res, r.error.status, { error: { message: r.error.message, type: r.error.type ?? 'scripted_error', code: null } });
      return r.error.status;
    }
    const id = `chatcmpl-${requests.length}`;
    const created = Math.floor(Date.now() / 1000);
    const model = req.model ?? 'scripted-model';
    const text = 'toolCalls' in r ? (r.text ?? null) : r.text;
    const calls = 'toolCalls' in r ? toolCallsOf(r.toolCalls) : [];
    const finish = calls.length ? 'tool_calls' : 'stop';
    const promptTokens = estimateTokens(JSON.stringify(req.messages ?? []));
    const completionTokens = estimateTokens((text ?? '') + JSON.stringify(calls));
    const usage = { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
    if (!req.stream) {
      const message: Record<string, unknown> = { role: 'assistant', content: text };
      if (calls.length) message.tool_calls = calls;
      sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: finish }], usage });
      return 200;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`);
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
    if (text) chunk([{ index: 0, delta: { content: text }, finish_reason: null }]);
    calls.forEach((c, i) => {
      chunk([{ index: 0, delta: { tool_calls: [{ index: i, id: c.id, type: 'function', function: { name: c.function.name, arguments: '' } }] }, finish_reason: null }]);
      chunk([{ index: 0, delta: { tool_calls: [{ index: i, function: { arguments: c.function.arguments } }] }, finish_reason: null }]);
    });
    chunk([{ index: 0, delta: {}, finish_reason: finish }]);
    const so = req.stream_options as { include_usage?: boolean } | undefined;
    if (so?.include_usage) chunk([], { usage });
    res.end('data: [DONE]\n\n');
    return 200;
  }

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const ex: Exchange = { index: exchanges.length, at: Date.now(), method: req.method ?? 'GET', path, stream: false, status: 0 };
      exchanges.push(ex);
      try {
        if (req.method === 'GET' && /\/models\/?$/.test(path)) {
          const ids = opts.modelIds ?? ['scripted-model'];
          ex.status = 200;
          sendJson(res, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: 0, owned_by: 'scripted' })) });
          return;
        }
        if (req.method !== 'POST' || !/\/chat\/completions\/?$/.test(path)) {
          ex.status = 404;
          sendJson(res, 404, { error: { message: `scripted model: no route ${req.method} ${path}`, type: 'not_found' } });
          return;
        }
        const body = JSON.parse(await readBody(req)) as ChatRequest;
        if (!Array.isArray(body.messages)) body.messages = [];
        const index = requests.length;
        requests.push(body);
        ex.request = body;
        ex.stream = body.stream === true;
        for (const w of [...waiters]) w();
        const step = nextStep(body);
        const r = typeof step === 'function' ? await step(body, index) : step;
        ex.response = r;
        if (r.delayMs) await new Promise((ok) => setTimeout(ok, r.delayMs));
        ex.status = answer(res, body, r);
      } catch (e) {
        ex.status = 500;
        if (!res.headersSent) sendJson(res, 500, { error: { message: `scripted model: ${(e as Error).message}`, type: 'server_error' } });
        else res.end();
      }
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;

  function waitForRequest(match: RequestMatcher, timeoutMs = 10_000, o: { from?: number } = {}): Promise<ChatRequest> {
    const from = o.from ?? 0;
    return new Promise((resolve, reject) => {
      const check = () => {
        for (let i = from; i < requests.length; i++) {
          if (matches(match, requests[i]!)) {
            done();
            resolve(requests[i]!);
            return true;
          }
        }
        return false;
      };
      const timer = setTimeout(() => {
        done();
        const seen = requests.slice(from).map((r, i) => `#${from + i} last user: ${JSON.stringify(lastUserText(r).slice(-200))}; last: ${lastMessage(r)?.role}`);
        reject(new Error(`scripted model: no request matching ${String(match)} within ${timeoutMs} ms; ${requests.length - from} seen:\n${seen.join('\n')}`));
      }, timeoutMs);
      const waiter = () => void check();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      if (!check()) waiters.add(waiter);
    });
  }

  async function close(): Promise<void> {
    await new Promise<void>((ok) => {
      server.close(() => ok());
      for (const s of sockets) s.destroy();
    });
  }

  return { baseUrl: `http://127.0.0.1:${port}/v1`, port, requests, exchanges, script, waitForRequest, close };
}
