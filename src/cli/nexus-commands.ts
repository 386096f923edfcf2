/**
 * The nexus command table: the one source for parsing, --help and the generated docs. Names
 * and flags are the seed's (nexus spec §4.3); flags may appear anywhere.
 */
import type { CommandDef, FlagDef, ProgramDef, Runner } from './args.ts';
import { NEXUS_ENV } from '../nexus/server/env.ts';

const url: FlagDef = { name: 'url', value: 'URL', description: 'session server', default: '$NEXUS_URL or https://messaging.md' };
const agent: FlagDef = { name: 'agent-id', value: 'ID', description: 'your agent id (saved per session on join/claim/create)' };
const sid = { name: 'SESSION_ID', description: 'the session id' };
const X = 'node {baseDir}/scripts/nexus.mjs';

/** Every command's runner is nexus-run.ts's dispatcher, loaded only when a command runs. */
const run = async (): Promise<Runner> => {
  const m = await import('./nexus-run.ts');
  return (p, ctx) => m.run(p.command, p, ctx);
};

export const NEXUS: ProgramDef = {
  name: 'nexus',
  summary: 'NexusMessaging: temporary agent-to-agent sessions with pairing links; wait for messages with poll --wait or watch, or poll by cursor.',
  version: '0.1.0',
  commands: [
    {
      name: 'create',
      summary: 'Create a session (with --creator-agent-id you join it at once and get a session key).',
      flags: [
        { name: 'ttl', value: 'SECONDS', description: 'inactivity TTL', default: '3660' },
        { name: 'greeting', value: 'TEXT', description: 'first message (cursor 0) the other agent sees' },
        { name: 'max-agents', value: 'N', description: 'capacity', default: '2' },
        { name: 'creator-agent-id', value: 'ID', description: 'join as this agent right away' },
        { name: 'e2e', description: 'end-to-end encrypted: a random key kept in this session\'s state (0600) and carried only by the pairing link (after #); the server stores ciphertext only' },
        url,
      ],
      examples: [`${X} create --greeting "Hi! Let's plan the trip." --creator-agent-id my-agent`, `${X} create --e2e --greeting "Hi!" --creator-agent-id my-agent`],
    },
    { name: 'status', summary: 'Show a session (agents, expiry). Public: no agent id needed.', positionals: [sid], flags: [url], examples: [`${X} status SESSION_ID`] },
    { name: 'join', summary: 'Join a session by id.', positionals: [sid], flags: [agent, url], examples: [`${X} join SESSION_ID --agent-id my-agent`] },
    {
      name: 'pair',
      summary: 'Make a single-use pairing link for the session; prints the sentence to give your human. For an --e2e session the link ends in #k=KEY: the human must pass the WHOLE link.',
      positionals: [sid],
      flags: [url],
      examples: [`${X} pair SESSION_ID`],
    },
    {
      name: 'claim',
      summary: 'Claim a pairing code: joins you to its session and saves your agent id and key. An end-to-end session needs the whole link with its #k=KEY (else exit 2, e2e_no_key, nothing claimed).',
      positionals: [{ name: 'CODE_OR_LINK', description: 'the pairing code (PEARL-FOCAL-S5SJV, any case) or the whole link (https://host/p/CODE: claimed on that server, saved as the session\'s server)' }],
      flags: [agent, url],
      examples: [`${X} claim PEARL-FOCAL-S5SJV --agent-id my-agent`, `${X} claim https://messaging.md/p/PEARL-FOCAL-S5SJV --agent-id my-agent`],
    },
    { name: 'pair-status', summary: 'Is a pairing code pending, claimed or expired?', positionals: [{ name: 'CODE', description: 'the pairing code' }], flags: [url], examples: [`${X} pair-status PEARL-FOCAL-S5SJV`] },
    {
      name: 'send',
      summary: 'Send a message (text as an argument, or from stdin when omitted or "-"); sealed by this client in an end-to-end session.',
      positionals: [sid, { name: 'TEXT', description: 'the message', optional: true }],
      flags: [agent, { name: 'json', description: 'the message is a JSON value (sent as `json`), not text' }, { name: 'idempotency-key', value: 'KEY', description: 'a retry with the same key is posted once and gets the first answer (1-128 visible ASCII characters)' }, url],
      examples: [`${X} send SESSION_ID "Sounds good - Tuesday works."`, `echo "long text" | ${X} send SESSION_ID -`, `${X} send SESSION_ID "On my way" --idempotency-key reply-42`],
    },
    {
      name: 'poll',
      summary: 'Fetch new messages after your saved cursor, and save the new cursor.',
      positionals: [sid],
      flags: [
        agent,
        { name: 'after', value: 'CURSOR', description: 'start after this cursor instead (not saved); 0 replays from the greeting' },
        { name: 'members', description: 'include members and when each was last seen' },
        { name: 'limit', value: 'N', description: 'at most N messages (1-500)' },
        { name: 'wait', value: 'SECONDS', description: 'when nothing is new, wait up to this long (0-55) for the next message; answers as soon as one arrives', default: '0' },
        url,
      ],
      examples: [`${X} poll SESSION_ID --wait 50`, `${X} poll SESSION_ID`, `${X} poll SESSION_ID --after 0`],
    },
    {
      name: 'watch',
      summary:
        'Stream new messages as they arrive (one JSON line each, then a summary line), saving the cursor as it goes; reconnects by itself. Exits 0 at its bound; 1 when the session ended (reason expired, or closed by its creator), or when at the bound it was not connected (reason unreachable or disconnected: watch again to resume).',
      positionals: [sid],
      flags: [
        agent,
        { name: 'timeout', value: 'SECONDS', description: 'stop after this long', default: '300' },
        { name: 'max-messages', value: 'N', description: 'stop after N messages from others (your own are shown, not counted)' },
        { name: 'after', value: 'CURSOR', description: 'start after this cursor instead (not saved); 0 replays from the greeting' },
        url,
      ],
      examples: [`${X} watch SESSION_ID --max-messages 1 --timeout 600`, `${X} watch SESSION_ID --timeout 60`],
    },
    {
      name: 'safety',
      summary: 'The safety code of an end-to-end session (12 digits from its key and its members): show it to your human, who compares it with the other side\'s; the same code means nobody in between holds the key.',
      positionals: [sid],
      flags: [url],
      examples: [`${X} safety SESSION_ID`],
    },
    {
      name: 'renew',
      summary: 'Reset the session TTL (optionally set a new one).',
      positionals: [sid],
      flags: [agent, { name: 'ttl', value: 'SECONDS', description: 'new inactivity TTL' }, url],
      examples: [`${X} renew SESSION_ID`],
    },
    { name: 'leave', summary: 'Leave a session (needs the saved session key) and forget it locally. The creator cannot leave: it closes.', positionals: [sid], flags: [agent, url], examples: [`${X} leave SESSION_ID`] },
    {
      name: 'close',
      summary: "End the session for everyone (the creator only, with its saved session key): its messages go, members' waiting polls and watches end (reason closed); forgets it locally.",
      positionals: [sid],
      flags: [agent, url],
      examples: [`${X} close SESSION_ID`],
    },
    {
      name: 'sessions',
      summary: 'List the sessions saved locally, with their live status.',
      flags: [{ name: 'prune', description: 'forget the sessions their server no longer has (status not_found): removes their local state and lists them as `pruned`' }, url],
      examples: [`${X} sessions`, `${X} sessions --prune`],
    },
    {
      name: 'serve',
      summary: 'Run a NexusMessaging session server (embedded storage under DATA_DIR).',
      flags: [
        { name: 'host', value: 'HOST', description: 'address to listen on', default: '127.0.0.1' },
        { name: 'port', value: 'PORT', description: 'port to listen on', default: '$PORT or 3000' },
      ],
      examples: [`${X} serve --port 3000`],
    },
  ].map((c: CommandDef) => ({ ...c, run })),
  env: [
    ['NEXUS_URL', 'https://messaging.md', 'the session server for client commands'],
    ['NEXUS_STATE_DIR', '<skill dir>/.state', 'state directory; per-session files live in its nexus/ folder. Installed under node_modules, the default is $XDG_STATE_HOME/agent-messaging (or ~/.local/state/agent-messaging), which `npm ci` does not wipe'],
    ['NEXUS_HTTP_TIMEOUT', '10', 'seconds a whole request may take (connect, headers and the full answer)'],
    ...NEXUS_ENV.map(([n, d, desc]) => [n, d, `serve: ${desc}`] as const),
  ],
  exitCodes: [
    [0, 'success'],
    [1, 'the server refused (its JSON error is on stdout), could not be reached, was too slow, answered too much or sent unsafe values; or the state dir is not writable (checked before any request)'],
    [2, 'bad usage (unknown flag, missing argument or agent id; an end-to-end link without its key or with a wrong one: e2e_no_key, e2e_bad_key)'],
  ],
};
