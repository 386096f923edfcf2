/**
 * Who may start a turn, and how far the agent answers by itself (channels/pairing.md, Reef's
 * per-friend autonomy):
 * - A NexusMessaging session the agent created or claimed is approved by that act.
 * - An OpenNexus peer is approved once its owner's pairing request was approved in the host
 *   (`openclaw pairing approve agent-messaging <CODE>`, the host's allow store), or when this
 *   agent wrote to it first (contacts.json). Until then its messages wait in the inbox.
 * - Autonomy per conversation: notify, bounded (turnsPerDay automatic turns a day), open; the
 *   bounded count is kept in budget.json so a restart does not refill it.
 * An approval never makes the peer a command owner: the host's CLI writes the first approved
 * sender into commands.ownerAllowFrom when none is set, and the channel takes any of its own
 * entries out again (dropOwnerEntries) whenever it sees a new approval.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { safetyNumber } from '../opennexus/core/safety.ts';
import { writeFileAtomic } from '../store/atomic-file.ts';
import type { AutonomyMode, PluginSettings } from './config.ts';
import type { HostRuntime } from './host.ts';
import { CHANNEL_ID, parseTarget } from './targets.ts';

const DAY_MS = 86_400_000;

function readJson<T>(path: string, dflt: T): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return dflt;
  }
}


/** The channel's own state under the plugin's state dir. */
export const channelDir = (stateDir: string) => join(stateDir, 'channel');
const contactsPath = (stateDir: string) => join(channelDir(stateDir), 'contacts.json');

/** This agent wrote to the peer first (a tool, the message tool): its answers need no approval. */
export async function addContact(stateDir: string, peer: string): Promise<void> {
  const list = readJson<string[]>(contactsPath(stateDir), []);
  if (!list.includes(peer)) await writeFileAtomic(contactsPath(stateDir), JSON.stringify([...list, peer].slice(-10_000)));
}

export class Consent {
  private allowed = new Set<string>();
  private allowedAt = 0;
  private readonly budgetPath: string;
  private budget: Record<string, number[]>;

  constructor(
    private readonly settings: PluginSettings,
    private readonly runtime: HostRuntime | undefined,
    private readonly stateDir: string,
    private readonly log: (line: string) => void,
  ) {
    this.budgetPath = join(channelDir(stateDir), 'budget.json');
    this.budget = readJson<Record<string, number[]>>(this.budgetPath, {});
  }

  /** The host's approved senders, read at most once a second; a new one drops owner entries. */
  private async refresh(now: number): Promise<void> {
    const pairing = this.runtime?.channel?.pairing;
    if (!pairing || now - this.allowedAt < 1000) return;
    this.allowedAt = now;
    const list = new Set(await pairing.readAllowFromStore({ channel: CHANNEL_ID, accountId: 'default' }));
    const fresh = [...list].some((x) => !this.allowed.has(x));
    this.allowed = list;
    if (fresh) await this.dropOwnerEntries();
  }

  /** Whether a message in this conversation may start a turn or notify (false: wait for approval). */
  async approved(conv: string, now = Date.now()): Promise<boolean> {
    const c = parseTarget(conv);
    if (c?.kind !== 'opennexus') return true;
    if (readJson<string[]>(contactsPath(this.stateDir), []).includes(c.peer)) return true;
    await this.refresh(now);
    return this.allowed.has(c.peer) || this.allowed.has(`${CHANNEL_ID}:${c.peer}`);
  }

  /**
   * Files a pairing request for an unknown peer in the host (the owner sees it in `openclaw
   * pairing list agent-messaging` with the safety number of both keys): its code (none when the
   * host holds no more requests) and whether it is new.
   */
  async requestApproval(peer: string, peerPublicKey: string | undefined, ownPublicKey: string | undefined): Promise<{ code: string; created: boolean }> {
    const pairing = this.runtime?.channel?.pairing;
    if (!pairing) return { code: '', created: false };
    const meta: Record<string, string> = { senderId: peer, protocol: 'OpenNexus' };
    if (peerPublicKey) meta.publicKey = peerPublicKey;
    if (peerPublicKey && ownPublicKey) meta.safetyNumber = safetyNumber(peerPublicKey, ownPublicKey);
    const r = await pairing.upsertPairingRequest({ channel: CHANNEL_ID, accountId: 'default', id: peer, meta });
    return { code: r.code ?? '', created: r.created };
  }

  mode(conv: string): AutonomyMode {
    if (!this.settings.wake) return 'notify';
    const c = parseTarget(conv);
    const bare = c?.kind === 'nexus' ? c.sessionId : c?.kind === 'opennexus' ? c.peer : conv;
    return this.settings.autonomy.peers[conv] ?? this.settings.autonomy.peers[bare] ?? this.settings.autonomy.default;
  }

  /** Takes one automatic turn from the conversation's budget; false when the mode or the budget says no. */
  async takeTurn(conv: string, now = Date.now()): Promise<boolean> {
    const mode = this.mode(conv);
    if (mode === 'notify') return false;
    if (mode === 'open') return true;
    const used = (this.budget[conv] ?? []).filter((t) => now - t < DAY_MS);
    if (used.length >= this.settings.autonomy.turnsPerDay) return false;
    // Conversations with no turn in the last day are forgotten: the file stays as small as the day's traffic.
    for (const [c, times] of Object.entries(this.budget)) if (!times.some((t) => now - t < DAY_MS)) delete this.budget[c];
    this.budget[conv] = [...used, now];
    // Written at every turn: atomic, not synced (a power cut may give back a turn or two).
    await writeFileAtomic(this.budgetPath, JSON.stringify(this.budget), { sync: false });
    return true;
  }

  /** Takes this channel's senders out of commands.ownerAllowFrom: a remote agent is never a command owner. */
  async dropOwnerEntries(): Promise<void> {
    const cfg = this.runtime?.config;
    const owners = cfg?.current().commands?.ownerAllowFrom;
    if (!cfg?.mutateConfigFile || !Array.isArray(owners) || !owners.some((o) => String(o).startsWith(`${CHANNEL_ID}:`))) return;
    await cfg.mutateConfigFile({
      afterWrite: { mode: 'auto' },
      mutate: (draft) => {
        const list = draft.commands?.ownerAllowFrom;
        if (draft.commands && Array.isArray(list)) draft.commands.ownerAllowFrom = list.filter((o) => !String(o).startsWith(`${CHANNEL_ID}:`));
      },
    });
    this.log('removed an agent-messaging peer from commands.ownerAllowFrom: another agent is never a command owner');
  }
}
