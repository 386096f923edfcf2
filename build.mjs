// Bundles each CLI entry into one self-contained ESM file under scripts/ (all dependencies
// inlined), so `node scripts/opennexus.mjs` runs from a folder with no node_modules.
// `node build.mjs --out DIR` writes elsewhere; the staleness test uses that to compare.
import { build } from 'esbuild';
import { argv } from 'node:process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { builtinModules } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ENTRIES = { opennexus: 'src/cli/opennexus.ts', nexus: 'src/cli/nexus.ts', hub: 'src/cli/hub.ts', demo: 'src/cli/demo.ts' };

/**
 * The Redis client is its own file beside the scripts, imported only when a server runs with
 * REDIS_URL (src/redis/driver.ts): the CLIs' start-up never parses it, and a bare copy of
 * scripts/ still runs `serve` on Redis with no install.
 */
export const VENDOR = { 'vendor-redis': 'src/redis/vendor.ts' };

const redisBesideTheScript = {
  name: 'redis-beside-the-script',
  setup(b) {
    b.onResolve({ filter: /^@redis\/client$/ }, () => ({ path: './vendor-redis.mjs', external: true }));
  },
};

/**
 * Node's own modules reached through process.getBuiltinModule instead of `import`: the ESM
 * loader builds a facade for each imported builtin (~0.3-1 ms each at every CLI start), and
 * inside the bundle the module that uses one now loads it only when that module is first
 * initialised (the messenger's node:os, say, never for a `send`). Exports are listed from the
 * running Node, so the bundle keeps exactly the names it had. Needs Node >= 20.16 (engines).
 */
const builtinsWhenUsed = {
  name: 'builtins-when-used',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (a) => ({ path: a.path, namespace: 'builtin' }));
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, async (a) => {
      const names = Object.keys(await import(a.path)).filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
      const m = `process.getBuiltinModule(${JSON.stringify(a.path)})`;
      // One pure read per name, so esbuild drops the names a bundle does not use: reading them
      // all ran Node's lazy getters at every start (process.stdin opened the stdin stream,
      // ~4 ms; crypto.webcrypto loads WebCrypto).
      const reads = names.map((n) => `export const ${n} = /* @__PURE__ */ (() => m.${n})();`).join('\n');
      return { contents: `const m = ${m};\nexport default m;\n${reads}\n`, loader: 'js' };
    });
  },
};

/**
 * The design card's crypto packages (@noble/*, imported only by src/opennexus/core/crypto.ts)
 * set themselves up when their module is evaluated: @noble/curves its field and curve
 * constants and an RNG probe (which loads WebCrypto), @noble/ciphers its 640 KB AES T-table,
 * ~20-30 ms of a CLI start that may do no crypto at all (`--help`, `peers`, any `nexus`
 * command). Each `import { a, b } from '@noble/...'` in src/ becomes a small CommonJS facade
 * whose getters `require()` a module re-exporting just a and b: esbuild wraps a required ES
 * module (and what it imports) in a lazy initialiser, so noble's top-level code runs at the
 * first call that uses it, and only the names src/ imports are kept. noble stays the only
 * source of the primitives; only the moment its module code runs changes.
 */
export const nobleWhenFirstUsed = {
  name: 'noble-when-first-used',
  setup(b) {
    b.onResolve({ filter: /^@noble\// }, async (a) => {
      if (a.namespace !== 'file' || a.importer.includes('node_modules')) return undefined;
      const source = await readFile(a.importer, 'utf8');
      const spec = a.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const m = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${spec}['"]`).exec(source);
      if (!m) throw new Error(`${a.importer}: import @noble/* by name (import { x } from '${a.path}'), so it loads when first used`);
      const names = m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean);
      // sideEffects: false lets a bundle that uses none of a facade's names drop it and its noble
      // module (the nexus CLI hashes with SHA-256 but never signs or seals).
      return { path: `${a.path}?${names.join(',')}`, namespace: 'noble-facade', sideEffects: false, pluginData: { spec: a.path, names, resolveDir: dirname(a.importer) } };
    });
    b.onLoad({ filter: /.*/, namespace: 'noble-facade' }, (a) => {
      const { spec, names, resolveDir } = a.pluginData;
      const pick = `noble-pick:${spec}?${names.join(',')}`;
      const getters = names.map((n) => `Object.defineProperty(exports, ${JSON.stringify(n)}, { enumerable: true, get: () => load().${n} });`).join('\n');
      return { contents: `let m;\nconst load = () => (m ??= require(${JSON.stringify(pick)}));\n${getters}\n`, loader: 'js', resolveDir };
    });
    b.onResolve({ filter: /^noble-pick:/ }, (a) => ({ path: a.path.slice('noble-pick:'.length), namespace: 'noble-pick', pluginData: { resolveDir: a.resolveDir } }));
    b.onLoad({ filter: /.*/, namespace: 'noble-pick' }, (a) => {
      const [spec, names] = a.path.split('?');
      return { contents: `export { ${names} } from ${JSON.stringify(spec)};\n`, loader: 'js', resolveDir: a.pluginData.resolveDir };
    });
  },
};

/** What every bundle here shares: one ESM file for Node 20 with its imports inlined, in ASCII. */
async function bundle(entry, outfile, options) {
  const r = await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning', ...options, write: false });
  for (const f of r.outputFiles) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, asciiOnly(f.text));
  }
  return r;
}

/**
 * esbuild escapes non-ASCII characters in strings, templates and regular expressions (its
 * default charset) but copies comments as they are, and one "—" or "§" in a comment makes V8
 * hold the whole 370 KB source as a two-byte string: twice the memory, a slower decode and scan
 * at every CLI start. Outside strings only comments can hold such characters, so each is
 * written as its \uXXXX escape, which in a comment is just text.
 */
export function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** templates/ are embedded as strings (templates are data, spec DESIGN principle 8). */
const TEMPLATES_AS_TEXT = { '.md': 'text', '.html': 'text' };

export async function buildAll(outdir = 'scripts') {
  await Promise.all([
    ...Object.entries(VENDOR).map(([name, entry]) =>
      bundle(entry, `${outdir}/${name}.mjs`, {
        // node-redis is CommonJS: its require() calls of Node's modules need a real require.
        banner: { js: "// GENERATED by build.mjs from node_modules/@redis/client - do not edit.\nimport { createRequire as __nexusRequire } from 'node:module';\nconst require = __nexusRequire(import.meta.url);" },
        legalComments: 'eof',
        minify: true,
      }),
    ),
    ...Object.entries(ENTRIES).map(([name, entry]) =>
      bundle(entry, `${outdir}/${name}.mjs`, {
        plugins: [redisBesideTheScript, builtinsWhenUsed, nobleWhenFirstUsed],
        banner: { js: '#!/usr/bin/env node\n// GENERATED by build.mjs from src/ - do not edit.' },
        legalComments: 'none',
        loader: TEMPLATES_AS_TEXT,
      }),
    ),
  ]);
}

/**
 * The library for `exports`: dist/index.mjs, with its dependencies inside like every other
 * built file (an OpenClaw host refuses a plugin package whose declared dependencies are not
 * installed, and a bare copy of the repository has none), except the Redis client: an optional
 * dependency, loaded only when a server runs with REDIS_URL. Declarations under dist/types
 * (relative `.ts` specifiers are rewritten to `.js`, which resolve to the emitted `.d.ts` files).
 */
export async function buildLibrary(outdir = 'dist') {
  await bundle('src/index.ts', `${outdir}/index.mjs`, {
    external: ['@redis/client'],
    plugins: [nobleWhenFirstUsed],
    banner: { js: '// GENERATED by build.mjs from src/ - do not edit.' },
    loader: TEMPLATES_AS_TEXT,
    legalComments: 'none',
  });
  // The OpenClaw plugin (openclaw.plugin.json, package.json openclaw.extensions): one file with
  // every dependency inside, so a bare copy of the repository installs with no npm install;
  // only the host's own SDK (an optional peer, loaded at run time by src/plugin/sdk.ts) is not.
  await bundle('src/plugin/entry.ts', `${outdir}/plugin.mjs`, {
    external: ['openclaw', 'openclaw/*'],
    plugins: [nobleWhenFirstUsed],
    banner: { js: '// GENERATED by build.mjs from src/plugin/ - do not edit. The OpenClaw plugin agent-messaging.' },
    loader: TEMPLATES_AS_TEXT,
    legalComments: 'none',
  });
  const tsc = fileURLToPath(new URL('./node_modules/typescript/bin/tsc', import.meta.url));
  await rm(`${outdir}/types`, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.lib.json', '--outDir', `${outdir}/types`], { stdio: 'inherit' });
  await writeFile(`${outdir}/types/node-types.d.ts`, NODE_TYPES);
  for (const f of await readdir(`${outdir}/types`, { recursive: true })) {
    if (!f.endsWith('.d.ts') || f === 'node-types.d.ts') continue;
    const path = join(outdir, 'types', f);
    const text = (await readFile(path, 'utf8')).replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2');
    await writeFile(path, withoutNodeTypes(text, relative(dirname(path), `${outdir}/types`).split(sep).join('/') || '.'));
  }
}

/**
 * The declarations must compile in a strict project that has no @types/node (skipLibCheck off):
 * the few Node types they name come from node-types.d.ts instead, structural stand-ins that a
 * Node object satisfies (a program with @types/node passes and receives Node's own objects).
 * A Node module or name not covered here fails the build, not the library's users.
 */
const NODE_TYPES = `// GENERATED by build.mjs: the Node types the declarations name, for projects without @types/node.
/** An http.Server (node:http). */
export interface Server {
    close(callback?: (err?: Error) => void): unknown;
    address(): unknown;
}
/** http.ServerOptions: the timeouts this library sets. */
export interface ServerOptions {
    requestTimeout?: number;
    headersTimeout?: number;
    keepAliveTimeout?: number;
    connectionsCheckingInterval?: number;
}
/** An http.IncomingMessage, as far as these declarations use it. */
export interface IncomingMessage {
    headers: Record<string, string | string[] | undefined>;
}
/** A net.BlockList. */
export interface BlockList {
    check(address: string, type?: string): boolean;
}
/** A util.TextEncoder. */
export interface TextEncoder {
    encode(input?: string): Uint8Array;
}
`;
const NODE_TYPE_NAMES = new Set([...NODE_TYPES.matchAll(/^export interface (\w+)/gm)].map((m) => m[1]));
const NODE_MODULES = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function withoutNodeTypes(text, root) {
  const shim = `${root}/node-types.js`;
  const check = (mod, names) => {
    for (const n of names) if (!NODE_TYPE_NAMES.has(n)) throw new Error(`the declarations name ${n} from ${mod}: add it to NODE_TYPES in build.mjs`);
  };
  return text
    .replace(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+['"]([^'"]+)['"]/g, (all, _t, list, mod) => {
      if (!NODE_MODULES.has(mod)) return all;
      const names = list.split(',').map((x) => x.replace(/^\s*type\s+/, '').trim()).filter(Boolean);
      check(mod, names);
      return `import type { ${names.join(', ')} } from '${shim}'`;
    })
    .replace(/import\(["']([^"']+)["']\)\.(\w+)/g, (all, mod, name) => {
      if (!NODE_MODULES.has(mod)) return all;
      check(mod, [name]);
      return `import("${shim}").${name}`;
    })
    .replace(/\bNodeJS\.\w+|\bBuffer\b/g, (m) => {
      if (m === 'Buffer') return 'Uint8Array'; // a Buffer is a Uint8Array
      throw new Error(`the declarations name ${m}: give it a stand-in in build.mjs`);
    });
}

/**
 * Bundles a TypeScript entry into a temporary file and imports it: how Node 20 (no type
 * stripping) runs the docs generator and the benchmarks.
 */
export async function importBundled(entry) {
  // Inside node_modules, so the bundle resolves its external packages (esbuild) from here.
  await mkdir('node_modules/.cache', { recursive: true });
  const dir = await mkdtemp(join('node_modules/.cache', 'nexus-run-'));
  const out = join(dir, 'entry.mjs');
  await bundle(entry, out, {
    loader: TEMPLATES_AS_TEXT,
    // esbuild cannot be bundled into a file; scripts that build (the lock soak) import it. The
    // Redis client, and execa (the real-host bench's harness) through cross-spawn, are CommonJS
    // that require()s Node's modules: they are imported from node_modules.
    external: ['esbuild', '@redis/client', 'execa'],
  });
  try {
    return await import(pathToFileURL(out).href);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Renders SKILL.md and docs/ from templates/ + the command tables (src/docs/generate.ts). */
export async function renderDocs() {
  return (await importBundled('src/docs/generate.ts')).renderDocs();
}

export async function writeDocs(root = '.') {
  const docs = await renderDocs();
  for (const [path, text] of Object.entries(docs)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

if (import.meta.url === `file://${argv[1]}`) {
  const i = argv.indexOf('--out');
  if (argv.includes('--docs-only')) await writeDocs();
  else {
    await buildAll(i > 0 ? argv[i + 1] : 'scripts');
    if (i < 0) {
      await buildLibrary();
      await writeDocs();
    }
  }
}
