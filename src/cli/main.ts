/**
 * The one CLI shell (DESIGN principle 7): argv -> plan (pure: which command, its parsed
 * flags, or which help) -> effects (print help, load the command's runner, run it). Each
 * program says how a failure is shown (a Reporter); exit codes come from classify (io.ts).
 */
import { UsageError, parseArgs, splitCommand, type CommandDef, type Parsed, type ProgramDef, type RunContext } from './args.ts';
import { renderCommandHelp, renderProgramHelp } from './help.ts';
import { out } from './io.ts';
import { skillDir } from './state-dir.ts';

export type Plan =
  | { kind: 'program-help'; exitCode: 0 | 2 }
  | { kind: 'version'; version: string }
  | { kind: 'command-help'; def: CommandDef }
  | { kind: 'run'; def: CommandDef; parsed: Parsed };

/** What to do with `argv`; throws UsageError for an unknown command or bad flags. Pure. */
export function plan(program: ProgramDef, argv: string[]): Plan {
  const { name, rest } = splitCommand(program, argv);
  if (name === '--help' || name === '-h' || name === 'help') return { kind: 'program-help', exitCode: 0 };
  if (name === '--version' && program.version) return { kind: 'version', version: program.version };
  const implicit = name === undefined || name.startsWith('-');
  if (implicit && !program.defaultCommand) return { kind: 'program-help', exitCode: 2 };
  const wanted = implicit ? program.defaultCommand! : name;
  const def = program.commands.find((c) => c.name === wanted);
  if (!def) throw new UsageError(`unknown command '${wanted}' (run '${program.name} --help')`);
  const parsed = parseArgs(def, implicit ? argv : rest);
  return parsed.help ? { kind: 'command-help', def } : { kind: 'run', def, parsed };
}

export interface Reporter {
  /** Shows a failure (usage or not) and returns the exit code. */
  fail(e: unknown, argv: string[]): number;
  /** Shows the program's help when no command was given; returns the exit code. */
  noCommand?(help: string): number;
}

export async function runMain(program: ProgramDef, argv: string[], ctx: RunContext, reporter: Reporter): Promise<number> {
  try {
    const p = plan(program, argv);
    switch (p.kind) {
      case 'program-help':
        if (p.exitCode === 2 && reporter.noCommand) return reporter.noCommand(renderProgramHelp(program));
        out(renderProgramHelp(program));
        return p.exitCode;
      case 'version':
        out(p.version);
        return 0;
      case 'command-help':
        out(renderCommandHelp(program, p.def, skillDir(ctx.moduleUrl)));
        return 0;
      case 'run': {
        if (!p.def.run) throw new Error(`command '${p.def.name}' has no runner`);
        const runner = await p.def.run();
        return await runner(p.parsed, ctx);
      }
    }
  } catch (e) {
    return reporter.fail(e, argv);
  }
}

/** Runs `runMain` as the process's main and sets its exit code. */
export function main(program: ProgramDef, ctx: RunContext, reporter: Reporter, argv = process.argv.slice(2)): void {
  runMain(program, argv, ctx, reporter).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.exitCode = reporter.fail(e, argv);
    },
  );
}
