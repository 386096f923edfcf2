/**
 * The one network error type, in a file of its own so that code which only classifies errors
 * (the CLI's exit codes) does not load node:http and node:https.
 */
import { CodedError } from '../errors.js';
export type NetworkErrorCode = 'bad_url' | 'unreachable' | 'timeout' | 'too_large' | 'aborted';
/** Anything that went wrong between us and a server: the one network error type. */
export declare class NetworkError extends CodedError {
    readonly code: NetworkErrorCode;
    constructor(code: NetworkErrorCode, message: string);
}
