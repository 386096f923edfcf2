/**
 * How every nexus command ends (nexus spec §4.4): exactly one JSON document on stdout, human lines on
 * stderr, an exit code. Commands return an Outcome; `reply` prints it, once per process, so a
 * failure after the answer was printed can never add a second document. Server text shown
 * on stderr goes through `shown` (escaped with safeText, bounded): a server is untrusted.
 *
 * Exit 1 covers everything that is not bad usage: the server refused or misbehaved (too slow,
 * too large, unsafe values), or the local state dir cannot be written. The last is not exit 2:
 * the command line was fine, the environment was not (the JSON `error` says which).
 */
import { NetworkError } from '../http/network-error.ts';
import { HttpError } from '../http/errors.ts';
import { InvalidServerValue, StateDirError } from '../nexus/state.ts';
import { E2eError } from '../nexus/e2e-client.ts';
import type { AgentResult } from '../nexus/agent.ts';
import type { ApiResult } from '../nexus/client.ts';
import { err, indentedText, out, safeText } from './io.ts';

export type Body = Record<string, unknown>;

export interface Outcome {
  code: number;
  json: Body;
  /** stderr lines, printed after the JSON. */
  hints?: () => void;
}

let replied = false;

/** Whether this process already printed its one JSON document. */
export const hasReplied = () => replied;

/**
 * JSON for a terminal: JSON.stringify leaves C1 controls, bidi controls and U+2028/9 raw. They
 * only occur inside strings, where a \u escape is the same character, so the document is equal.
 */
export function jsonLine(doc: unknown): string {
  return JSON.stringify(doc).replace(/[\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Server text for one stderr line: escaped (safeText) and at most `max` characters. */
export function shown(v: unknown, max = 500): string {
  const s = String(v ?? '');
  return safeText(s.slice(0, max)) + (s.length > max ? '…' : '');
}

export function reply(o: Outcome): number {
  if (replied) {
    err(`Error (after the answer was printed): ${shown(o.json.message ?? o.json.error)}`);
    return o.code || 1;
  }
  replied = true;
  out(jsonLine(o.json));
  try {
    o.hints?.();
  } catch (e) {
    err(`(could not show the details: ${shown((e as Error)?.message ?? e)})`);
  }
  return o.code;
}

export interface Then {
  /** Saves what the answer carries; runs before anything is printed. */
  save?: (b: Body) => Promise<void>;
  hints?: (b: Body) => void;
}

/** The Outcome of a workflow (src/nexus/agent.ts): the server's answer, and a failed save beside it. */
export function answered(res: AgentResult, hints?: (b: Body) => void): Promise<Outcome> {
  return answer(res.r, {
    ...(res.stateError !== undefined ? { save: () => Promise.reject(res.stateError) } : {}),
    ...(hints ? { hints } : {}),
  });
}

/** The Outcome of a server answer: its JSON and exit 1 on an HTTP error; else save, then hints. */
export async function answer(r: ApiResult, then: Then = {}): Promise<Outcome> {
  if (r.body === null) {
    return { code: 1, json: { error: 'non_json_response', status: r.status }, hints: () => err(`Error: the server answered HTTP ${r.status} without a JSON object: ${shown(r.text, 300)}`) };
  }
  const b = r.body;
  if (!r.ok) {
    // The server's JSON error goes out as it is; one without an `error` string gets one.
    const json = typeof b.error === 'string' ? b : { ...b, error: 'http_error', status: r.status };
    return { code: 1, json, hints: () => err(`Error: ${shown(b.message ?? b.error ?? `HTTP ${r.status}`)}`) };
  }
  try {
    await then.save?.(b);
  } catch (e) {
    return notSaved(b, e);
  }
  return { code: 0, json: b, ...(then.hints ? { hints: () => then.hints!(b) } : {}) };
}

/**
 * The server did what was asked but its answer could not be saved: print the answer (it may
 * carry the only copy of a session key) with the local error beside it, and exit 1.
 */
function notSaved(b: Body, e: unknown): Outcome {
  if (e instanceof InvalidServerValue) {
    return { code: 1, json: { ...b, error: 'invalid_server_value', stateError: e.message }, hints: () => err(`⚠️  ${e.message}`) };
  }
  const message = `the server accepted the request, but updating the local state failed: ${(e as Error)?.message ?? String(e)}`;
  return {
    code: 1,
    json: { ...b, error: 'state_not_saved', stateError: message },
    hints: () => err(`Error: ${shown(message)}\nThe server's answer is on stdout; keep it (a sessionKey in it is not saved anywhere else).`),
  };
}

/** The Outcome for an error that ends a command before any answer; undefined for others. */
export function failure(e: unknown, command: string): Outcome | undefined {
  if (e instanceof NetworkError) {
    return {
      code: 1,
      json: { error: 'network_error', reason: e.code, message: e.message },
      hints: () => {
        err(`Error: ${shown(e.message)}`);
        if (e.code === 'too_large' && command === 'poll') err('💡 Tip: ask for fewer messages at a time, e.g. --limit 20');
      },
    };
  }
  // The server's own rules run in the client for a sealed message (e2e spec §8): their refusal is
  // answered as the server would answer it (exit 1).
  if (e instanceof HttpError && e.body && typeof e.body === 'object') {
    const body = e.body as Body;
    return { code: 1, json: body, hints: () => err(`Error: ${shown(body.message ?? body.error)}`) };
  }
  if (e instanceof E2eError) {
    return { code: e.exit, json: { error: e.code, message: e.message }, hints: () => err(`Error: ${shown(e.message)}`) };
  }
  if (e instanceof StateDirError) {
    return {
      code: 1,
      json: { error: 'state_dir_not_writable', message: e.message },
      hints: () => err(`Error: ${shown(e.message)}; nothing was sent to the server.\nSet NEXUS_STATE_DIR to a writable directory (state lives in its nexus/ folder).`),
    };
  }
  return undefined;
}

/**
 * A message's text on stderr: escaped, continuation lines indented so none can pose as a hint,
 * at most the server's MAX_MESSAGE_CHARS default (the whole text is in the JSON).
 */
function messageText(t: unknown): string {
  const s = String(t ?? '');
  return indentedText(s.slice(0, 16_000), 6) + (s.length > 16_000 ? ' …' : '');
}

/** One message for a person on stderr: cursor, who (you, for your own), text; escaped. */
export function messageLine(m: Body): string {
  const unverified = m.agentId !== 'system' && m.verified !== true;
  const who = m.mine === true ? 'you' : m.agentId === 'system' ? '⚙️  system' : shown(m.agentId, 200);
  // docs/spec/nexus-e2e.md §6: a sealed message that did not open has no text to show.
  if (m.e2e === 'failed') return `  [#${shown(m.cursor, 40)}] ${who}: ⚠️  an end-to-end message that could not be opened (${shown(m.reason, 100)}): not shown`;
  if (m.e2e === 'replay') return `  [#${shown(m.cursor, 40)}] ${who}: ⚠️  a replayed end-to-end message (${shown(m.reason, 100)}): not shown again`;
  const body = m.text === '' && m.json !== undefined ? JSON.stringify(m.json) : m.text;
  return `  [#${shown(m.cursor, 40)}] ${who}${unverified ? ' ⚠️ (unverified)' : ''}: ${messageText(body)}`;
}

/** The digest of a poll answer (nexus spec §4.5); `send` and `poll` are the commands to suggest. */
export function pollHints(send: string, poll: string, b: Body): void {
  const items = (v: unknown) => (Array.isArray(v) ? v : []).filter((m): m is Body => m !== null && typeof m === 'object');
  const messages = items(b.messages);
  if (messages.length) {
    err(`💬 Received ${messages.length} message(s)`);
    // nexus spec §2.3: `verified` means sent with the agent's session key; without it, anyone who
    // knows the session id and the agent id could have written the message.
    const unverified = (m: Body) => m.agentId !== 'system' && m.verified !== true;
    for (const m of messages) err(messageLine(m));
    if (messages.some((m) => m.reason === 'no_key')) err('🔐 This session is end-to-end encrypted and there is no key for it here (no key): its messages cannot be read. Only the agent that claimed the WHOLE pairing link (with the part after #) can read them.');
    if (messages.some((m) => m.e2e === 'failed' && m.reason !== 'no_key')) err('⚠️  A message failed to open: it was changed on the way, is from another session, or was not sealed with this session\'s key. Do not trust the server with it.');
    if (messages.some(unverified)) err('⚠️  (unverified): sent without the agent\'s session key; anyone who knows the session id could have sent it as that agent.');
    err(`💡 Tip: reply with: ${send} "Your message"`);
  } else {
    err('💬 No new messages');
  }
  if (Array.isArray(b.members)) {
    err('Members:');
    for (const m of items(b.members)) err(`  ${shown(m.agentId, 200)} (last seen ${shown(m.lastSeenAt, 40)})`);
  }
  err(`💡 Tip: wait for the next message: ${poll}`);
}
