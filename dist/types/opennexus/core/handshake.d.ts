import type { Identity } from './identity.js';
import { type Envelope, type HelloAckMessage, type HelloMessage } from './wire.js';
export declare function helloSigInput(senderId: Uint8Array, receiverId: Uint8Array, senderEph: Uint8Array): Uint8Array;
/** The last field binds the ACK to this HELLO (freshness, opennexus spec §2). */
export declare function helloAckSigInput(ackSenderId: Uint8Array, ackReceiverId: Uint8Array, ackSenderEph: Uint8Array, helloSenderEph: Uint8Array): Uint8Array;
export declare function createHello(self: Identity, peerId: Uint8Array, ephPublic: Uint8Array, ownMessengerUrl: string): HelloMessage;
export declare function createHelloAck(self: Identity, helloSenderId: Uint8Array, ephPublic: Uint8Array, helloEph: Uint8Array): HelloAckMessage;
export interface VerifiedHello {
    senderId: Uint8Array;
    senderPublicKey: Uint8Array;
    senderEph: Uint8Array;
    senderMessengerUrl: string | undefined;
}
/** opennexus spec §4.4 verify_hello: version; lengths; receiver is us; not ourselves; key hashes to id; signature. */
export declare function verifyHello(msg: Envelope, selfId: Uint8Array): VerifiedHello | null;
/** opennexus spec §4.2 verify_hello_ack: also bound to the expected peer and to our own ephemeral key. */
export declare function verifyHelloAck(msg: Envelope, selfId: Uint8Array, expectedPeerId: Uint8Array, localEph: Uint8Array): {
    peerEph: Uint8Array;
    peerPublicKey: Uint8Array;
} | null;
