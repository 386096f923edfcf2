// npm run bench: Node 20 cannot run TypeScript, so bench/bench.ts is bundled and imported.
import { importBundled } from '../build.mjs';

await importBundled('bench/bench.ts');
