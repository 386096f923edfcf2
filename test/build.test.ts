// The committed bundles must be what build.mjs makes from src/ today.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.ts';
import { tempDir } from './helpers/agents.ts';

describe('built artifacts', () => {
  it('scripts/*.mjs are up to date with src/ (run `npm run build`)', async () => {
    const out = tempDir('nexus-build-');
    await execa('node', ['build.mjs', '--out', out], { cwd: ROOT });
    for (const name of ['opennexus.mjs', 'nexus.mjs', 'hub.mjs', 'demo.mjs', 'vendor-redis.mjs']) {
      const fresh = readFileSync(join(out, name), 'utf8');
      const committed = readFileSync(join(ROOT, 'scripts', name), 'utf8');
      expect(committed === fresh, `scripts/${name} is stale: run npm run build`).toBe(true);
    }
  });

  it('dist/ (the library and its declarations) is up to date with src/', async () => {
    const out = tempDir('nexus-lib-');
    await execa('node', ['-e', `import('./build.mjs').then((m) => m.buildLibrary(${JSON.stringify(out)}))`], { cwd: ROOT });
    const files = (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.mjs') || f.endsWith('.d.ts')).sort();
    const committed = (readdirSync(join(ROOT, 'dist'), { recursive: true }) as string[]).filter((f) => f.endsWith('.mjs') || f.endsWith('.d.ts')).sort();
    expect(committed).toEqual(files);
    for (const f of files) expect(readFileSync(join(ROOT, 'dist', f), 'utf8') === readFileSync(join(out, f), 'utf8'), `dist/${f} is stale: run npm run build`).toBe(true);
  });

  it("the CLIs read only the Node exports they use: process.stdin and its like are never touched at start", () => {
    // build.mjs reaches Node's modules through process.getBuiltinModule, one pure read per name.
    // Reading every export of node:process, as the first version did, ran its lazy getters at
    // each start: process.stdin alone opened the stdin stream (~4 ms of every send).
    for (const name of ['opennexus.mjs', 'nexus.mjs', 'hub.mjs']) {
      const text = readFileSync(join(ROOT, 'scripts', name), 'utf8');
      const facade = /(\w+) = process\.getBuiltinModule\("node:process"\);\n((?:.*\n)*?)\n/.exec(text);
      expect(facade, `${name} has no node:process facade`).not.toBeNull();
      const names = [...facade![2]!.matchAll(/=> \w+\.(\w+)\)\(\)/g)].map((m) => m[1]);
      expect(names, name).toEqual(['env']);
      // No facade reads a lazy getter that starts work: stdio streams, fs.promises, WebCrypto.
      expect(text, name).not.toMatch(/=> \w+\.(stdin|stdout|stderr|promises|webcrypto|subtle)\)\(\)/);
    }
  });

  it("`--help` loads none of Node's network modules (the servers' env tables are data apart from their parsing)", async () => {
    // The command tables name the servers' environment variables; importing them from the
    // config parsers pulled in node:net (trusted-proxy lists) and node:http at every start.
    const dir = tempDir('nexus-help-modules-');
    const probe = join(dir, 'probe.cjs');
    writeFileSync(probe, "process.on('exit', () => require('fs').writeFileSync(process.env.MODULES_OUT, JSON.stringify(process.moduleLoadList)));\n");
    for (const name of ['opennexus.mjs', 'nexus.mjs', 'hub.mjs']) {
      const list = join(dir, `${name}.json`);
      // Output to /dev/null: a pipe as stdout would load node:net itself.
      await execa(process.execPath, ['-r', probe, join(ROOT, 'scripts', name), '--help'], { env: { MODULES_OUT: list }, stdio: 'ignore' });
      const loaded = (JSON.parse(readFileSync(list, 'utf8')) as string[]).filter((m) => /^NativeModule (net|http|https|tls|dns|crypto)$/.test(m));
      expect(loaded, name).toEqual([]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('every built file is ASCII, so V8 holds each source as one byte per character', () => {
    // One non-ASCII character (esbuild copies comments as they are) made the whole 370 KB
    // source a two-byte string: twice the memory and a slower decode at every CLI start.
    const built = [...readdirSync(join(ROOT, 'scripts')).map((f) => join('scripts', f)), ...readdirSync(join(ROOT, 'dist')).map((f) => join('dist', f))].filter((f) => f.endsWith('.mjs'));
    expect(built.length).toBeGreaterThanOrEqual(7);
    for (const f of built) expect(/[^\x00-\x7f]/.exec(readFileSync(join(ROOT, f), 'utf8'))?.[0], f).toBeUndefined();
  });

  it('the CLIs never carry the Redis client: only `serve` imports scripts/vendor-redis.mjs, dynamically', () => {
    for (const name of ['opennexus.mjs', 'nexus.mjs', 'hub.mjs']) {
      const text = readFileSync(join(ROOT, 'scripts', name), 'utf8');
      expect(text.includes('node_modules/@redis'), `${name} inlines node-redis`).toBe(false);
      expect(/^import .*vendor-redis/m.test(text), `${name} imports vendor-redis statically`).toBe(false);
      expect(text).toContain('import("./vendor-redis.mjs")');
    }
    expect(readFileSync(join(ROOT, 'scripts', 'vendor-redis.mjs'), 'utf8')).toMatch(/createClient/);
  });
});
