/**
 * Generates SKILL.md and docs/*.md from templates/ and the CLIs' command tables (one source of
 * truth). Pure: returns { path: content }; build.mjs writes the files, a test compares them.
 */
import skillTemplate from '../../templates/SKILL.md';
import referenceTemplate from '../../templates/command-reference.md';
import type { CommandDef, ProgramDef } from '../cli/args.ts';
import { NEXUS } from '../cli/nexus-commands.ts';
import { OPENNEXUS } from '../cli/opennexus-commands.ts';
import { renderTemplate } from '../templates/render.ts';

/** OpenClaw reads `metadata` as single-line JSON. */
export const SKILL_METADATA = {
  openclaw: {
    emoji: '📨',
    requires: { bins: ['node'] },
  },
};

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function synopsis(program: ProgramDef, c: CommandDef): string {
  const pos = (c.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name));
  return [`${program.name}.mjs`, c.name, ...pos].join(' ');
}

export function commandTable(program: ProgramDef): string {
  const rows = program.commands.map((c) => `| \`${synopsis(program, c)}\` | ${cell(c.summary)} |`);
  return ['| command | what it does |', '|---|---|', ...rows].join('\n');
}

function commandSection(program: ProgramDef, c: CommandDef): string {
  const out = [`## \`${c.name}\``, '', c.summary, '', '```sh', `node {baseDir}/scripts/${synopsis(program, c)}${c.flags.length ? ' [flags]' : ''}`, '```'];
  if (c.positionals?.length) {
    out.push('', '| argument | meaning |', '|---|---|', ...c.positionals.map((p) => `| \`${p.name}\`${p.optional ? ' (optional)' : ''} | ${cell(p.description)} |`));
  }
  if (c.flags.length) {
    out.push('', '| flag | meaning | default |', '|---|---|---|');
    for (const f of c.flags) out.push(`| \`--${f.name}${f.value ? ` ${f.value}` : ''}\`${f.required ? ' (required)' : ''} | ${cell(f.description)} | ${f.default ? `\`${cell(f.default)}\`` : ''} |`);
  }
  for (const n of c.notes ?? []) out.push('', n);
  if (c.examples?.length) out.push('', 'Examples:', '', '```sh', ...c.examples, '```');
  return out.join('\n');
}

function referenceDoc(program: ProgramDef): string {
  return renderTemplate(referenceTemplate, {
    program: program.name,
    summary: program.summary,
    commandTable: commandTable(program),
    commandSections: program.commands.map((c) => commandSection(program, c)).join('\n\n'),
    envTable: ['| variable | default | meaning |', '|---|---|---|', ...(program.env ?? []).map(([n, d, m]) => `| \`${n}\` | \`${cell(d)}\` | ${cell(m)} |`)].join('\n'),
    exitTable: ['| code | meaning |', '|---|---|', ...(program.exitCodes ?? []).map(([c, m]) => `| ${c} | ${cell(m)} |`)].join('\n'),
  });
}

export function renderDocs(): Record<string, string> {
  const skill = renderTemplate(skillTemplate, {
    metadataJson: JSON.stringify(SKILL_METADATA),
    nexusCommands: `### nexus.mjs commands\n\n${commandTable(NEXUS)}`,
    opennexusCommands: `### opennexus.mjs commands\n\n${commandTable(OPENNEXUS)}`,
  });
  return {
    'SKILL.md': skill,
    // The OpenClaw plugin's copy of the skill (openclaw.plugin.json "skills"): a real file, since
    // the host refuses a SKILL.md that links outside the skill's folder; scripts/ there links back.
    'skills/agent-messaging/SKILL.md': skill,
    'docs/nexus.md': referenceDoc(NEXUS),
    'docs/opennexus.md': referenceDoc(OPENNEXUS),
  };
}

/** Every `node {baseDir}/scripts/X.mjs CMD` shown in the docs, as [script, command]. */
export function documentedCommands(docs: Record<string, string>): Array<[string, string]> {
  const seen = new Map<string, [string, string]>();
  for (const text of Object.values(docs)) {
    for (const m of text.matchAll(/node \{baseDir\}\/scripts\/([a-z]+)\.mjs(?: ([a-z-]+))?/g)) {
      const key = `${m[1]} ${m[2] ?? ''}`;
      seen.set(key, [m[1]!, m[2] ?? '']);
    }
  }
  return [...seen.values()];
}
