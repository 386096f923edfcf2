export declare const PROTOCOL_VERSION = "0.1.0";
export interface HelloMessage {
    protocol_version: string;
    type: 'hello';
    sender_id: string;
    receiver_id: string;
    sender_public_key: string;
    ephemeral_public_key: string;
    signature: string;
    sender_messenger_url: string;
}
export interface HelloAckMessage {
    protocol_version: string;
    type: 'hello_ack';
    sender_id: string;
    receiver_id: string;
    sender_public_key: string;
    ephemeral_public_key: string;
    peer_ephemeral_public_key: string;
    signature: string;
}
export interface DataMessage {
    protocol_version: string;
    type: 'data';
    sender_id: string;
    receiver_id: string;
    session_id: string;
    counter: bigint;
    ciphertext: string;
    sender_messenger_url: string;
}
export interface ResetMessage {
    protocol_version: string;
    type: 'reset';
    sender_id: string;
    receiver_id: string;
    sender_public_key: string;
    session_id: string;
    reason: number;
    reset_signature: string;
}
export type OutboundMessage = HelloMessage | HelloAckMessage | DataMessage | ResetMessage;
/** A message as read from a stream: each field present only when it has the right JSON type. */
export interface Envelope {
    id?: string;
    created_at?: string;
    protocol_version?: string;
    type?: string;
    message?: string;
    sender_id?: string;
    receiver_id?: string;
    sender_public_key?: string;
    ephemeral_public_key?: string;
    peer_ephemeral_public_key?: string;
    signature?: string;
    sender_messenger_url?: string;
    session_id?: string;
    counter?: bigint;
    ciphertext?: string;
    reset_signature?: string;
    reason?: bigint;
}
/** Parses one SSE `data:` payload. Integers keep full u64 precision (opennexus spec §11). */
export declare function parseEnvelope(text: string): Envelope;
