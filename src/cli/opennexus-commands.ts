/**
 * The opennexus command table: the one source for parsing, --help and the generated docs.
 * Commands and flags are the reference's (opennexus spec §4.8), plus what agents need (--json,
 * --timeout, --max-messages, whoami, serve).
 */
import type { CommandDef, ProgramDef, Runner } from './args.ts';
import { MESSENGER_ENV } from '../opennexus/messenger/env.ts';

/** The runner of a command, loaded only when the command runs. */
const runner = (name: 'generateKeys' | 'whoami' | 'send' | 'stream' | 'serve' | 'peers' | 'outbox') => async (): Promise<Runner> => (await import('./opennexus-run.ts'))[name];

const keyFlags = [
  { name: 'pub-key', value: 'FILE', description: 'public key file', default: '<state dir>/public_key' },
  { name: 'priv-key', value: 'FILE', description: 'private key file (0600)', default: '<state dir>/private_key' },
];

export const generateKeys: CommandDef = {
  name: 'generate-keys',
  summary: 'Create an Ed25519 identity and write the two key files.',
  flags: [
    ...keyFlags,
    { name: 'force', description: 'overwrite existing key files (the old identity is lost)' },
    { name: 'json', description: 'print {agent_id, public_key, ...} as JSON instead of text' },
  ],
  examples: ['node {baseDir}/scripts/opennexus.mjs generate-keys'],
  run: runner('generateKeys'),
};

export const whoami: CommandDef = {
  name: 'whoami',
  summary: 'Print this agent\'s id, public key, own messenger and state directory as JSON.',
  flags: [...keyFlags, { name: 'json', description: 'accepted for uniformity: the output is JSON already (errors too, with it)' }],
  examples: ['node {baseDir}/scripts/opennexus.mjs whoami'],
  run: runner('whoami'),
};

export const send: CommandDef = {
  name: 'send',
  summary: 'Send one end-to-end encrypted message; if the peer is offline it is queued and delivered later.',
  flags: [
    { name: 'to', value: 'KEY_OR_ID', description: "peer's public key (base64) or a file holding it, or the agent id of a known peer (see `peers`), whole or its start as `stream` shows it (16 characters and ...) if no other known peer's id starts so; never a private key file, nor this agent itself", required: true },
    { name: 'message', value: 'TEXT', description: 'the message, at most 47,104 bytes of UTF-8 (46 KiB: one DATA message must fit the messenger\'s 64 KiB limit); "-" reads it from stdin', required: true },
    { name: 'messenger-url', value: 'URL', description: "the PEER's messenger URL (needed the first time; remembered after)" },
    { name: 'wait', value: 'SECONDS', description: 'how long to wait for the peer to answer a handshake before queueing; 0-600, 0 = do not wait', default: '30' },
    { name: 'ttl', value: 'SECONDS', description: 'how long the message is kept in the outbox until it is delivered; 1-2592000 (30 days)', default: '86400' },
    { name: 'no-cache', description: 'ignore a cached session and handshake again' },
    { name: 'confirm-ms', value: 'MS', description: 'accepted for compatibility and ignored: the outbox now resends a message when the peer lost its session' },
    ...keyFlags,
    { name: 'json', description: 'print the result (or the error) as one JSON object' },
  ],
  notes: [
    'Your own messenger (where the HELLO_ACK comes back) is MESSENGER_URL.',
    '"status": "sent" means accepted by the peer\'s messenger; "queued" means the peer has not answered the handshake yet, or a messenger could not be reached ("reason" says which): the next `stream` or `send` completes it and delivers the message, so do not send it again. Either way it stays in the outbox until the peer answers on its session; if the peer lost the session it is sent again.',
    'Exit codes: 0 sent or queued (kept in the outbox); 1 nothing kept: the peer\'s messenger refused the message for good, the outbox is full for this peer (`outbox_full`: one peer may hold 250 messages or 2 MiB; the error names it, messages to others still go), or there are no keys or no writable state dir; 2 bad input (key, URL, an empty or too large message, a private key file or this agent itself as --to: nothing is queued).',
  ],
  examples: [
    'node {baseDir}/scripts/opennexus.mjs send --to PEER_PUBLIC_KEY --messenger-url https://peer-messenger.example --message "hello"',
    'node {baseDir}/scripts/opennexus.mjs send --to PEER_AGENT_ID --message "a reply" --wait 1',
  ],
  run: runner('send'),
};

export const peers: CommandDef = {
  name: 'peers',
  summary: 'List the peers this agent knows: agent id, public key, messenger, session state, last seen, safety number.',
  flags: [...keyFlags, { name: 'json', description: 'print {peers: [...]} as JSON' }],
  examples: ['node {baseDir}/scripts/opennexus.mjs peers --json'],
  run: runner('peers'),
};

export const outbox: CommandDef = {
  name: 'outbox',
  summary: 'List messages that are queued (no session yet) or sent and not yet confirmed by the peer; --drop gives up on one peer\'s.',
  flags: [
    ...keyFlags,
    { name: 'drop', value: 'AGENT_ID', description: 'take every message to this peer out of the outbox (they are not sent, or not sent again) and print them' },
    { name: 'json', description: 'print {outbox: [...]} (with --drop: {dropped: [...]}) as JSON' },
  ],
  notes: ['One peer may hold at most 250 messages or 2 MiB of the outbox; `send` refuses more with `outbox_full`. Its messages leave when the peer answers on their session, at their --ttl, or with --drop.'],
  examples: ['node {baseDir}/scripts/opennexus.mjs outbox --json', 'node {baseDir}/scripts/opennexus.mjs outbox --drop PEER_AGENT_ID --json'],
  run: runner('outbox'),
};

export const stream: CommandDef = {
  name: 'stream',
  summary: 'Receive messages on your own messenger: answers handshakes, decrypts, prints each message.',
  flags: [
    ...keyFlags,
    { name: 'json', description: 'one JSON object per event on stdout (event: connected, message, reset, ...)' },
    { name: 'timeout', value: 'SECONDS', description: 'exit 0 after this many seconds' },
    { name: 'max-messages', value: 'N', description: 'exit 0 after N messages' },
  ],
  notes: [
    'Without --timeout or --max-messages it runs until Ctrl-C / SIGTERM (exit 0).',
    'Your messenger delivers recent frames again to a new stream (so a stolen stream cannot take them for good): a frame this agent already handled is shown as "Skipping a message already received" (with --json: {"event":"already_received","what":"data","from":AGENT_ID}), never as a message or a new handshake; nothing needs doing about it.',
  ],
  examples: [
    'node {baseDir}/scripts/opennexus.mjs stream --json --timeout 30 --max-messages 1',
  ],
  run: runner('stream'),
};

export const serve: CommandDef = {
  name: 'serve',
  summary: 'Run an OpenNexus messenger (relay server), wire-compatible with the Go reference.',
  flags: [
    { name: 'host', value: 'HOST', description: 'address to listen on', default: '127.0.0.1' },
    { name: 'port', value: 'PORT', description: 'port to listen on', default: '$PORT or 8080' },
  ],
  examples: ['node {baseDir}/scripts/opennexus.mjs serve --port 8080'],
  run: runner('serve'),
};

export const OPENNEXUS: ProgramDef = {
  name: 'opennexus',
  summary: 'OpenNexus: end-to-end encrypted agent-to-agent messages through federated messengers.',
  version: '0.1.0',
  commands: [generateKeys, whoami, send, stream, peers, outbox, serve],
  env: [
    ['MESSENGER_URL', 'https://api.opennexus.cc', 'your own messenger (send, stream, whoami)'],
    ['NEXUS_STATE_DIR', '<skill dir>/.state', 'state directory; keys and sessions live in its opennexus/ folder. Installed under node_modules, the default is $XDG_STATE_HOME/agent-messaging (or ~/.local/state/agent-messaging), which `npm ci` does not wipe'],
    ['OPENNEXUS_HTTP_TIMEOUT', '20', 'seconds a request (connect, headers and whole answer) may take before it fails'],
    ...MESSENGER_ENV.map(([n, d, desc]) => [n, d, `serve: ${desc}`] as const),
  ],
  exitCodes: [
    [0, 'success'],
    [1, 'the operation failed (network, timeout, rejected by the messenger or the peer, no keys)'],
    [2, 'bad usage or bad input (unknown flag, malformed key, unreadable file)'],
  ],
};
