// npm run bench: bundles bench/bench.ts with esbuild (Node 20 cannot run TypeScript) and runs it.
import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const out = join(mkdtempSync(join(tmpdir(), 'nexus-bench-')), 'bench.mjs');
await build({ entryPoints: ['bench/bench.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'warning' });
await import(pathToFileURL(out).href);
