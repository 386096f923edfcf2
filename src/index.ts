/**
 * The library: clients for both protocols and the two servers, for programs that embed them.
 */
export { OpenNexusClient, ClientError, DEFAULT_MESSENGER_URL } from './opennexus/client.ts';
export type { ClientEvent, OpenNexusClientOptions, ReceivedMessage, SendOptions, SendResult } from './opennexus/client.ts';
export { KeysError, defaultKeyPaths, generateKeys, loadKeys } from './opennexus/keys.ts';
export type { KeyPaths, LoadedKeys } from './opennexus/keys.ts';
export { inlineFiles, poolFiles } from './store/files.ts';
export type { Files } from './store/files.ts';
export { NexusClient, DEFAULT_NEXUS_URL, POLL_MAX_BODY_BYTES } from './nexus/client.ts';
export { NetworkError } from './http/client.ts';
export type { NetworkErrorCode } from './http/client.ts';
export type { ApiResult, NexusClientOptions } from './nexus/client.ts';
export { NexusAgent } from './nexus/agent.ts';
export type { AgentResult, PollOptions } from './nexus/agent.ts';
export { NexusState } from './nexus/state.ts';
export { startMessenger } from './opennexus/messenger/server.ts';
export { messengerConfig } from './opennexus/messenger/config.ts';
export { startNexusServer } from './nexus/server/server.ts';
export { nexusConfig } from './nexus/server/config.ts';
export { startHub } from './hub.ts';
// End-to-end NexusMessaging sessions (docs/spec/nexus-e2e.md): NexusAgent.create({ e2e: true }),
// pair, claim, send, poll, watch and safety do it all; the pure core is here for other clients.
export { E2eError } from './nexus/e2e-client.ts';
export { e2eSeal, e2eOpen, safetyCode, encodeE2eSecret, decodeE2eSecret } from './nexus/e2e.ts';
export type { E2eBinding, E2ePlain, E2eOpened } from './nexus/e2e.ts';
