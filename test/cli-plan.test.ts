// The CLI shell's pure half: argv -> plan (main.ts) and parseArgs, over the real command tables.
import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from '../src/cli/args.ts';
import { renderCommandHelp } from '../src/cli/help.ts';
import { HUB } from '../src/cli/hub-commands.ts';
import { plan } from '../src/cli/main.ts';
import { NEXUS } from '../src/cli/nexus-commands.ts';
import { OPENNEXUS, send } from '../src/cli/opennexus-commands.ts';

describe('plan', () => {
  it('help, version and no command', () => {
    expect(plan(OPENNEXUS, [])).toEqual({ kind: 'program-help', exitCode: 2 });
    expect(plan(OPENNEXUS, ['--help'])).toEqual({ kind: 'program-help', exitCode: 0 });
    expect(plan(NEXUS, ['help'])).toEqual({ kind: 'program-help', exitCode: 0 });
    expect(plan(OPENNEXUS, ['--version'])).toEqual({ kind: 'version', version: '0.1.0' });
    expect(plan(OPENNEXUS, ['send', '--help'])).toMatchObject({ kind: 'command-help', def: { name: 'send' } });
  });

  it('a command with its flags; flags may come before the command word', () => {
    const p = plan(NEXUS, ['--agent-id', 'me', 'claim', 'PEARL-FOCAL-S5SJV']);
    expect(p).toMatchObject({ kind: 'run', def: { name: 'claim' }, parsed: { flags: { 'agent-id': 'me' }, positionals: ['PEARL-FOCAL-S5SJV'] } });
  });

  it('the hub runs its default command when given only flags or nothing', () => {
    expect(plan(HUB, [])).toMatchObject({ kind: 'run', def: { name: 'start' } });
    expect(plan(HUB, ['--nexus-port', '0'])).toMatchObject({ kind: 'run', parsed: { flags: { 'nexus-port': '0' } } });
  });

  it('unknown commands and flags are usage errors naming the command', () => {
    expect(() => plan(OPENNEXUS, ['sned'])).toThrow(UsageError);
    expect(() => plan(OPENNEXUS, ['send', '--bogus'])).toThrow(/unknown flag --bogus/);
  });

  it('every command of every program has a runner', () => {
    for (const program of [OPENNEXUS, NEXUS, HUB]) for (const c of program.commands) expect(typeof c.run, `${program.name} ${c.name}`).toBe('function');
  });
});

describe('parseArgs: required flags', () => {
  it('refuses a command without a required flag, and says so in --help', () => {
    expect(() => parseArgs(send, ['--message', 'hi'])).toThrow(/--to is required/);
    expect(parseArgs(send, ['--to', 'K', '--message', 'hi']).flags).toEqual({ to: 'K', message: 'hi' });
    expect(parseArgs(send, ['--help']).help).toBe(true); // help never needs the required flags
    expect(renderCommandHelp(OPENNEXUS, send)).toMatch(/--to KEY_OR_ID .*\(required\)/);
  });
});
