/**
 * Bundles the Node programs with esbuild:
 * - dist/worker.mjs, the one-file worker: the lease loop, Socket.IO client, logger and the
 *   Wasm kernel (embedded), with no SQLite and no dev dependencies. `node worker.mjs --url
 *   http://HOST:8000` runs it anywhere Node 20+ is; the coordinator serves it at /worker.mjs.
 *   The file is its own worker_threads entry.
 * - dist/coordinator.mjs, the coordinator for the container image: our code in one file, the
 *   production dependencies (better-sqlite3 and the rest) left to node_modules, so it runs
 *   with plain `node` and no TypeScript loader.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { ROOT } from '../ops/build-state.js';

const outdir = path.join(ROOT, 'dist');
mkdirSync(outdir, { recursive: true });

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
};

const bundles: BuildOptions[] = [
  {
    ...common,
    entryPoints: [path.join(ROOT, 'client', 'node', 'bundle-entry.ts')],
    outfile: path.join(outdir, 'worker.mjs'),
    minify: true,
    // ws loads these native accelerators when present and does without them.
    external: ['bufferutil', 'utf-8-validate'],
    // Bundled CommonJS packages call require() for Node's built-ins.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  },
  {
    ...common,
    entryPoints: [path.join(ROOT, 'coordinator', 'bundle-entry.ts')],
    outfile: path.join(outdir, 'coordinator.mjs'),
    packages: 'external',
  },
];

for (const options of bundles) {
  const result = await build(options);
  const bytes = Object.values(result.metafile?.outputs ?? {})[0]?.bytes ?? 0;
  console.log(`build-bundles: ${(bytes / 1024).toFixed(0)} KB -> ${path.relative(ROOT, String(options.outfile))}`);
}
