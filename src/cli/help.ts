/**
 * `--help` text from the command tables (DESIGN principle 8: rendering is a pure function;
 * the entry shell prints it).
 */
import type { CommandDef, ProgramDef } from './args.ts';

function synopsis(program: string, c: CommandDef): string {
  const pos = (c.positionals ?? []).map((p) => (p.optional ? `[${p.name}]` : p.name));
  return [program, c.name, ...pos, c.flags.length ? '[flags]' : ''].filter(Boolean).join(' ');
}

export function renderCommandHelp(program: ProgramDef, c: CommandDef, baseDir = '.'): string {
  const lines = [`Usage: ${synopsis(program.name, c)}`, '', c.summary];
  if (c.positionals?.length) {
    lines.push('', 'Arguments:');
    for (const p of c.positionals) lines.push(`  ${p.name.padEnd(24)} ${p.description}`);
  }
  if (c.flags.length) {
    lines.push('', 'Flags:');
    for (const f of c.flags) {
      const left = f.value ? `--${f.name} ${f.value}` : `--${f.name}`;
      lines.push(`  ${left.padEnd(24)} ${f.description}${f.required ? ' (required)' : ''}${f.default ? ` (default: ${f.default})` : ''}`);
    }
  }
  lines.push(`  ${'--help'.padEnd(24)} show this help`);
  for (const n of c.notes ?? []) lines.push('', n);
  if (c.examples?.length) {
    lines.push('', 'Examples:');
    for (const e of c.examples) lines.push(`  ${e.replaceAll('{baseDir}', baseDir)}`);
  }
  return lines.join('\n') + '\n';
}

export function renderProgramHelp(program: ProgramDef): string {
  const lines = [`Usage: ${program.name} <command> [flags]`, '', program.summary, '', 'Commands:'];
  for (const c of program.commands) lines.push(`  ${c.name.padEnd(16)} ${c.summary}`);
  if (program.env?.length) {
    lines.push('', 'Environment:');
    for (const [name, dflt, desc] of program.env) lines.push(`  ${name.padEnd(18)} ${desc}${dflt ? ` (default: ${dflt})` : ''}`);
  }
  if (program.exitCodes?.length) {
    lines.push('', 'Exit codes:');
    for (const [code, desc] of program.exitCodes) lines.push(`  ${String(code).padEnd(4)} ${desc}`);
  }
  lines.push('', `Run '${program.name} <command> --help' for a command's flags.`);
  return lines.join('\n') + '\n';
}
