/**
 * Bundles the headless worker into one self-contained file, dist/worker.mjs: the lease loop,
 * Socket.IO client, logger and the Wasm kernel (embedded), with no SQLite and no dev
 * dependencies. `node worker.mjs --url http://HOST:8000` runs it anywhere Node 20+ is; the
 * coordinator serves it at /worker.mjs. The file is its own worker_threads entry.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../ops/build-state.js';

const outfile = path.join(ROOT, 'dist', 'worker.mjs');
mkdirSync(path.dirname(outfile), { recursive: true });

const result = await build({
  entryPoints: [path.join(ROOT, 'client', 'node', 'bundle-entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  // ws loads these native accelerators when present and does without them.
  external: ['bufferutil', 'utf-8-validate'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
  },
  logLevel: 'warning',
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs)[0]?.bytes ?? 0;
console.log(`build-worker: ${(bytes / 1024).toFixed(0)} KB -> ${path.relative(ROOT, outfile)}`);
