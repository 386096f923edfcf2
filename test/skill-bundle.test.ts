// The skill bundle: SKILL.md, generated docs, package contents, demo, npm start.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import matter from 'gray-matter';
import { describe, expect, it } from 'vitest';
import { documentedCommands, renderDocs } from '../src/docs/generate.ts';
import { ROOT, runScript } from './helpers/cli.ts';

const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');

describe('SKILL.md', () => {
  it('has the frontmatter OpenClaw loads, metadata as single-line JSON, and paths that resolve', () => {
    const text = read('SKILL.md');
    const fm = matter(text);
    expect(fm.data.name).toMatch(/^[a-z0-9-]+$/);
    expect(fm.data.description).toMatch(/encrypted/);
    expect(fm.data.description).toMatch(/pairing link/);
    expect(fm.data.homepage).toMatch(/^https:\/\//);
    const metaLine = text.split('\n').find((l) => l.startsWith('metadata: '))!;
    const meta = JSON.parse(metaLine.slice('metadata: '.length));
    expect(meta).toMatchObject({ openclaw: { emoji: expect.any(String), requires: { bins: ['node'] } } });
    expect(fm.data.metadata).toEqual(meta); // gray-matter reads the same object
    const paths = [...text.matchAll(/\{baseDir\}\/([\w./-]+\.mjs)/g)].map((m) => m[1]!);
    expect(new Set(paths)).toEqual(new Set(['scripts/nexus.mjs', 'scripts/opennexus.mjs', 'scripts/hub.mjs']));
    for (const p of paths) expect(existsSync(join(ROOT, p)), p).toBe(true);
    for (const [, link] of text.matchAll(/\]\(([^)]+\.md)\)/g)) expect(existsSync(join(ROOT, link!)), link).toBe(true);
    expect(text).toContain('<!-- openclaw-only -->');
  });

  it('SKILL.md and docs/ are what `npm run docs` renders from the command tables (not stale)', () => {
    for (const [path, text] of Object.entries(renderDocs())) {
      expect(read(path) === text, `${path} is stale: run npm run docs`).toBe(true);
    }
  });

  it('every command shown in the docs runs (--help exits 0)', async () => {
    const cmds = documentedCommands(renderDocs());
    expect(cmds.length).toBeGreaterThan(15);
    for (const [script, command] of cmds) {
      const r = await runScript(join(ROOT, 'scripts', `${script}.mjs`), command ? [command, '--help'] : ['--help']);
      expect(r.exitCode, `${script} ${command} --help`).toBe(0);
      expect(r.stdout).toMatch(/Usage: /);
    }
  });
});

describe('package', () => {
  it('npm pack contains the skill and nothing private', async () => {
    const r = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
    const files: string[] = JSON.parse(r.stdout)[0].files.map((f: { path: string }) => f.path);
    for (const f of ['SKILL.md', 'README.md', 'package.json', 'docs/nexus.md', 'docs/opennexus.md', 'scripts/opennexus.mjs', 'scripts/nexus.mjs', 'scripts/hub.mjs', 'templates/pairing-skill.md', 'dist/index.mjs', 'dist/types/index.d.ts']) {
      expect(files, f).toContain(f);
    }
    for (const f of files) {
      expect(f).not.toMatch(/(^|\/)\.state\/|private_key|public_key$|session_keys_|^data\/|^test\/|^src\/|node_modules/);
    }
    const pkg = JSON.parse(read('package.json'));
    expect(pkg.bin).toMatchObject({ opennexus: 'scripts/opennexus.mjs', nexus: 'scripts/nexus.mjs' });
    expect(pkg.exports['.']).toEqual({ types: './dist/types/index.d.ts', import: './dist/index.mjs' });
    expect(read('.gitignore')).toMatch(/^\.state\/$/m);
  });

  it('the library entry exports both clients', async () => {
    const lib = await import('../dist/index.mjs' as string);
    expect(typeof lib.OpenNexusClient).toBe('function');
    expect(typeof lib.NexusClient).toBe('function');
    expect(read('dist/types/index.d.ts')).toContain("from './opennexus/client.js'");
  });
});

describe('one command', () => {
  it('npm run demo: two agents talk over both protocols through the real CLIs', async () => {
    const r = await execa('npm', ['run', 'demo'], { cwd: ROOT, reject: false, timeout: 90_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('alice -> bob: Hi Bob, this is end-to-end encrypted.');
    expect(r.stdout).toContain('bob -> alice: Bye for now.');
    expect(r.stdout).toContain('[greeting] -> bob: Hi! Shall we plan the offsite?');
    expect(r.stdout).toContain('alice -> bob: Tuesday it is. See you there.');
    expect(r.stdout).toContain('Both conversations completed.');
    const help = await runScript(join(ROOT, 'scripts', 'demo.mjs'), ['--help']);
    expect([help.exitCode, help.stdout.startsWith('Usage: demo.mjs')]).toEqual([0, true]);
  }, 90_000);

  it('npm start serves both protocols and stops cleanly on SIGTERM', async () => {
    const p = execa('npm', ['start', '--', '--messenger-port', '0', '--nexus-port', '0'], { cwd: ROOT, reject: false, env: { DATA_DIR: 'none' } });
    const line = await new Promise<string>((resolve, reject) => {
      let buf = '';
      p.stdout!.on('data', (c: Buffer) => {
        buf += c.toString();
        const l = buf.split('\n').find((x) => x.includes('"listening"'));
        if (l) resolve(l);
      });
      p.then((r) => reject(new Error(`npm start exited: ${r.stderr}`)), reject);
    });
    const { messengerUrl, nexusUrl } = JSON.parse(line);
    expect(await (await fetch(`${messengerUrl}/health`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${nexusUrl}/health`)).json()).toMatchObject({ status: 'ok' });
    p.kill('SIGTERM');
    const r = await p;
    expect(r.exitCode).toBe(0);
  });
});
