import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const OPENNEXUS = `${ROOT}scripts/opennexus.mjs`;

/** Runs a built script to completion (never throws on a non-zero exit). */
export function runScript(script: string, args: string[], env: Record<string, string> = {}, opts: { input?: string; cwd?: string } = {}) {
  return execa('node', [script, ...args], { env: { ...env }, extendEnv: true, reject: false, timeout: 60_000, ...opts });
}

/** A long-running script whose stdout lines are collected; `waitLine` waits with a deadline. */
export function spawnScript(script: string, args: string[], env: Record<string, string> = {}) {
  const proc: ResultPromise = execa('node', [script, ...args], { env, extendEnv: true, reject: false, timeout: 60_000 });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString('utf8');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  async function waitLine(pred: (line: string) => boolean, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = lines.find(pred);
      if (hit !== undefined) return hit;
      const left = end - Date.now();
      if (left <= 0 || proc.exitCode !== null) throw new Error(`no matching line; got:\n${lines.join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.min(left, 200));
        waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
  return { proc, lines, waitLine };
}

export const jsonLines = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
