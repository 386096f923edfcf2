/**
 * The client side of end-to-end sessions (docs/spec/nexus-e2e.md): what NexusAgent does around
 * the pure core (e2e.ts). Sealing sanitises first with the server's own rules (e2e spec §8: the
 * server cannot see into a sealed message), then seals with fresh randomness; reading opens each
 * message, reports one that does not open (never its ciphertext as text) and one whose msgid was
 * already seen at another cursor (a replay), remembering msgids per agent in `e2e-seen`.
 */
import { CodedError } from '../errors.js';
import { type Binding } from './e2e.js';
import type { NexusState } from './state.js';
/** A refusal of the e2e layer, before or instead of a request: `exit` is the CLI's exit code. */
export declare class E2eError extends CodedError {
    readonly exit: number;
    constructor(code: string, message: string, exit?: number);
}
/**
 * e2e spec §2: a fresh 256-bit session secret, as its text. `fits`: whether a secret can be
 * used (the plugin's: whether the host would show its link to the model unmasked); secrets
 * that do not fit are drawn again, which keeps the choice uniform over the ones that do.
 */
export declare function newSecret(fits?: (secret: string) => boolean): string;
export declare function secretBytes(text: string): Uint8Array;
export interface Redaction {
    type: string;
    count: number;
}
/**
 * The server's limits for a message (nexus spec §2.3, §2.4, with the defaults of MAX_JSON_NODES and
 * MAX_MESSAGE_CHARS), which it cannot check in an envelope: checked before sealing (e2e spec §8),
 * with the server's own errors (an HttpError: exit 1, as the server's answer would be).
 */
export declare function checkOutgoing(input: {
    text?: string;
    json?: unknown;
}): void;
/** Sanitises (the server's rules, nexus spec §2.7) and seals one outgoing message or greeting. */
export declare function sealOutgoing(secret: string, b: Binding, input: {
    text?: string;
    json?: unknown;
}, idempotencyKey?: string): {
    envelope: string;
    redactions: Redaction[];
};
type Body = Record<string, unknown>;
/** The most msgids remembered per agent and session (e2e spec §6): older ones are forgotten. */
export declare const SEEN_MAX = 4096;
/**
 * Opens the messages one agent reads from one session. `load` before, `save` after (only when
 * something was added). A message keeps its metadata; its `text` (and `json`) become the opened
 * plaintext, or, when it does not open, go away and `e2e: "failed"` with a `reason` says why.
 */
export declare class E2eReader {
    private readonly state;
    private readonly sessionId;
    private readonly agentId;
    private readonly secret;
    private seen;
    private dirty;
    constructor(state: NexusState, sessionId: string, agentId: string, secret: Uint8Array);
    load(): Promise<this>;
    save(): Promise<void>;
    open(m: Body): Body;
}
/**
 * e2e spec §6: a reader without the session's key (it joined by id, or its key file is empty) in
 * a session the server marks E2E: a sealed message is `e2e: "failed"`, `reason: "no_key"`, never text.
 */
export declare function withoutKey(m: Body): Body;
/** What an agent without the key is told (join, send, poll; e2e spec §6, §9). */
export declare const NO_KEY_MESSAGE = "this session is end-to-end encrypted and this agent has no key for it (only an agent that claimed the WHOLE pairing link, including the part after #, has one): it cannot read or send messages here. Ask for a new pairing link and claim it whole.";
/**
 * e2e spec §5: an E2E session created without a greeting gets a sealed empty one, the key check a
 * claimer opens before claiming (§9). Opened, it is not a message: readers leave it out.
 */
export declare function isKeyCheck(m: Body): boolean;
/** Whether a message failed to open (or was a replay): such a message has no text to show. */
export declare function unreadable(m: Body): boolean;
/** e2e spec §9: before a claim, the sealed greeting proves the link's key is the session's (a wrong key is bad input: exit 2). */
export declare function checkGreeting(secret: Uint8Array, envelope: unknown): void;
export {};
