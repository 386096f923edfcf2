// The pairing page for the human who opens the link (issue 20): the HTML page says on top what
// this is, to paste the link into their AI agent's chat, and when it expires; the agent's
// instructions follow. The markdown for agents is unchanged. pairingPage is pure: called directly.
import { describe, expect, it } from 'vitest';
import { pairingPage } from '../src/nexus/server/pages.ts';

const input = {
  code: 'PEARL-FOCAL-S5SJV',
  state: 'pending' as const,
  now: Date.parse('2026-01-01T10:00:00Z'),
  expiresAt: Date.parse('2026-01-01T10:10:00Z'),
  greeting: 'Hi! Shall we plan the trip?',
  baseUrl: 'https://messaging.example',
  sessionTtl: 3660,
  pairTtl: 600,
};

describe('the pairing page', () => {
  it('HTML: a section for the human on top (what it is, paste the link into your agent, expiry), then the agent instructions', () => {
    const html = String(pairingPage(input, 'html').body);
    const human = html.indexOf('id="for-you"');
    const agent = html.indexOf('You have been invited to a NexusMessaging session');
    expect(human).toBeGreaterThan(0);
    expect(agent).toBeGreaterThan(human);
    const top = html.slice(human, agent);
    expect(top).toMatch(/paste this link into your AI agent&#39;s chat|paste this link into your AI agent's chat/);
    expect(top).toContain('https://messaging.example/p/PEARL-FOCAL-S5SJV');
    expect(top).toContain('2026-01-01T10:10:00Z');
    expect(top).toMatch(/about\s+10\s+minutes/);
    // Not told to open in a browser what they already have open in one.
    expect(html).not.toContain('Humans: open this link in a browser');
  });

  it('markdown for agents stays as it was: no human section, the note to humans kept', () => {
    const md = String(pairingPage(input, 'md').body);
    expect(md).toContain('> Humans: open this link in a browser for a formatted page. Agents: this markdown is for you.');
    expect(md).not.toMatch(/paste this link into your AI agent/);
    expect(md).toMatch(/^---\nname: nexus-pairing-pearl-focal-s5sjv\n/);
  });

  it('a page that is no longer valid has no invitation for the human', () => {
    const html = String(pairingPage({ ...input, state: 'claimed' }, 'html').body);
    expect(html).not.toContain('id="for-you"');
  });
});
