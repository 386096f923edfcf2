/**
 * The library: clients for both protocols and the two servers, for programs that embed them.
 */
export { OpenNexusClient, ClientError, DEFAULT_MESSENGER_URL } from './opennexus/client.js';
export type { ClientEvent, OpenNexusClientOptions, ReceivedMessage, SendOptions, SendResult } from './opennexus/client.js';
export { KeysError, defaultKeyPaths, generateKeys, loadKeys } from './opennexus/keys.js';
export type { KeyPaths, LoadedKeys } from './opennexus/keys.js';
export { inlineFiles, poolFiles } from './store/files.js';
export type { Files } from './store/files.js';
export { NexusClient, DEFAULT_NEXUS_URL, POLL_MAX_BODY_BYTES } from './nexus/client.js';
export { NetworkError } from './http/client.js';
export type { NetworkErrorCode } from './http/client.js';
export type { ApiResult, NexusClientOptions } from './nexus/client.js';
export { NexusAgent } from './nexus/agent.js';
export type { AgentResult, PollOptions } from './nexus/agent.js';
export { NexusState } from './nexus/state.js';
export { startMessenger } from './opennexus/messenger/server.js';
export { messengerConfig } from './opennexus/messenger/config.js';
export { startNexusServer } from './nexus/server/server.js';
export { nexusConfig } from './nexus/server/config.js';
export { startHub } from './hub.js';
export { E2eError } from './nexus/e2e-client.js';
export { e2eSeal, e2eOpen, safetyCode, encodeE2eSecret, decodeE2eSecret } from './nexus/e2e.js';
export type { E2eBinding, E2ePlain, E2eOpened } from './nexus/e2e.js';
