import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

/** Templates are imported as strings, as esbuild's text loader does in the bundles. */
const templatesAsText = {
  name: 'templates-as-text',
  enforce: 'pre' as const,
  load(id: string) {
    if (/\/templates\/[^/]+\.(md|html)$/.test(id)) return `export default ${JSON.stringify(readFileSync(id, 'utf8'))};`;
    return null;
  },
};

export default defineConfig({
  plugins: [templatesAsText],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // CLI tests start real node processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
