/**
 * The one error type of the OpenNexus protocol layer. `code` is stable and machine-readable;
 * `message` is the text a person sees (for reference-compatible output it is the reference's
 * own exception text, opennexus spec §4.5).
 */
export declare class ProtocolError extends Error {
    readonly code: ProtocolErrorCode;
    constructor(code: ProtocolErrorCode, message: string);
}
export type ProtocolErrorCode = 'bad_base64' | 'bad_length' | 'bad_key' | 'bad_json' | 'bad_message' | 'bad_signature' | 'self_session' | 'session_mismatch' | 'counter_invalid' | 'counter_out_of_range' | 'counter_replay' | 'decrypt_failed' | 'derive_failed';
