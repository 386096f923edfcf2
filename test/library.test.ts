// The library as a user's project sees it (issue 20, Build 2): the declarations compile in a
// strict project without @types/node, the README's example compiles there and runs, and
// startHub() works with no argument.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { startHub } from '../src/hub.ts';
import { ROOT } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

/** The example under the README's marker comment: the ts block that follows it. */
function readmeExample(): string {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const at = text.indexOf('<!-- test/library.test.ts compiles this example');
  expect(at, 'the README has the library example and its marker').toBeGreaterThan(0);
  const m = /```ts\n([\s\S]*?)```/.exec(text.slice(at));
  return m![1]!;
}

/** A project with only the installed package (its package.json, dist/) and TypeScript from here. */
function project(source: string): string {
  const dir = tempDir('nexus-lib-user-');
  const pkg = join(dir, 'node_modules', 'agent-messaging');
  mkdirSync(pkg, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(join(dir, 'main.ts'), source);
  // No @types at all (types: []), nothing skipped: every declaration the package ships is checked.
  const compilerOptions = { strict: true, skipLibCheck: false, types: [], module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', outDir: 'out' };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, include: ['main.ts'] }));
  return dir;
}

const tsc = (dir: string) => execa('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { cwd: dir, reject: false, timeout: 120_000 });

describe('the library for its users', () => {
  it("the README's example compiles in a strict project without @types/node, and runs", async () => {
    const dir = project(readmeExample());
    const c = await tsc(dir);
    expect(c.exitCode, c.stdout + c.stderr).toBe(0);
    const r = await execa('node', [join(dir, 'out', 'main.js')], { cwd: dir, reject: false, timeout: 60_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('sent "hello Bob"');
  }, 180_000);

  it('every export is usable there: the declarations name no Node type a project without @types/node lacks', async () => {
    const names = [...readFileSync(join(ROOT, 'src', 'index.ts'), 'utf8').matchAll(/^export (type )?\{([^}]*)\}/gm)];
    const values = names.filter((m) => !m[1]).flatMap((m) => m[2]!.split(',').map((x) => x.trim()).filter(Boolean));
    const types = names.filter((m) => m[1]).flatMap((m) => m[2]!.split(',').map((x) => x.trim()).filter(Boolean));
    const source = [
      `import { ${values.join(', ')} } from 'agent-messaging';`,
      `import type { ${types.join(', ')} } from 'agent-messaging';`,
      `export const all = [${values.join(', ')}];`,
      ...types.map((t, i) => `export type T${i} = ${t};`),
      // What a user reaches through the values: the servers' handles, the client's events.
      `export async function use(): Promise<void> { const h = await startHub(); const m = await startMessenger(messengerConfig({}, { port: 0 })); await m.close(); await h.close(); }`,
    ].join('\n');
    const c = await tsc(project(source));
    expect(c.exitCode, c.stdout + c.stderr).toBe(0);
  }, 180_000);

  it('startHub() with no argument starts on its defaults (or fails only because a port is taken)', async () => {
    let hub: Awaited<ReturnType<typeof startHub>> | undefined;
    try {
      hub = await startHub();
    } catch (e) {
      // Another process may hold :8080 or :3000 on this machine; that, and only that, is fine.
      expect((e as NodeJS.ErrnoException).code ?? (e as Error).message).toMatch(/EADDRINUSE|listen|in use/);
      return;
    }
    try {
      expect([hub.messengerUrl, hub.nexusUrl]).toEqual(['http://127.0.0.1:8080', 'http://127.0.0.1:3000']);
    } finally {
      await hub.close();
    }
  });
});
