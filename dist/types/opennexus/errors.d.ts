/**
 * The OpenNexus client's one error type; `code` is stable, `message` is the reference's line
 * where it has one (opennexus spec §4.2).
 */
import { CodedError } from '../errors.js';
export type ClientErrorCode = 'invalid_key' | 'invalid_url' | 'message_too_large' | 'empty_message' | 'private_key' | 'self_session' | 'hello_failed' | 'hello_ack_timeout' | 'hello_ack_invalid' | 'derive_failed' | 'encrypt_failed' | 'data_failed' | 'outbox_full' | 'network' | 'aborted';
export declare class ClientError extends CodedError {
    /** Machine-readable facts the message names (e.g. a full `peer_id`), for the CLI's JSON. */
    readonly details?: Record<string, string | number> | undefined;
    readonly code: ClientErrorCode;
    constructor(code: ClientErrorCode, message: string, 
    /** Machine-readable facts the message names (e.g. a full `peer_id`), for the CLI's JSON. */
    details?: Record<string, string | number> | undefined);
}
/** Bad input from the caller rather than a failure on the way (exit code 2 in the CLI). */
export declare const isInputError: (e: ClientError) => boolean;
/** `no_keys` and `exists` are states to act on; `unreadable` and `bad_key` are bad input. */
export declare class KeysError extends CodedError {
    readonly code: 'no_keys' | 'exists' | 'unreadable' | 'bad_key';
    constructor(code: KeysError['code'], message: string);
}
