/**
 * What the build produces and whether it is up to date. Entry points call `ensureBuilt` so a
 * fresh clone builds once on first start and a stale output is rebuilt; an up-to-date build
 * is never redone (checking costs a directory walk, a few milliseconds).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const BuildPart = {
  /** The Wasm kernel, embedded as base64 in a generated TypeScript module. */
  Kernel: 'kernel',
  /** The web page (client/web/dist). */
  Page: 'page',
  /** The one-file worker (dist/worker.mjs) that the coordinator serves, and dist/coordinator.mjs. */
  Bundles: 'bundles',
} as const;
export type BuildPart = (typeof BuildPart)[keyof typeof BuildPart];

interface Target {
  output: string;
  /** Files and folders whose newest file must be older than the output. */
  inputs: string[];
  /** Node arguments that build it. */
  build: string[];
}

const tsx = ['--import', 'tsx'];
const TARGETS: Record<BuildPart, Target> = {
  kernel: {
    output: 'shared/sieve/wasm/kernel-bytes.ts',
    inputs: ['shared/sieve/wasm/kernel.ts'],
    build: [...tsx, 'scripts/build-wasm.ts'],
  },
  page: {
    output: 'client/web/dist/index.html',
    inputs: ['client/web/src', 'client/web/index.html', 'shared', 'vite.config.ts', 'package-lock.json'],
    build: ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'],
  },
  bundles: {
    output: 'dist/worker.mjs',
    inputs: ['client/node', 'client/volunteer.ts', 'client/threaded-pool.ts', 'coordinator', 'shared', 'ops', 'scripts/build-bundles.ts', 'package-lock.json'],
    build: [...tsx, 'scripts/build-bundles.ts'],
  },
};

/** Order matters: the page and the worker script embed the kernel. */
const ORDER: BuildPart[] = [BuildPart.Kernel, BuildPart.Page, BuildPart.Bundles];

function modifiedMs(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function newestMs(entry: string): number {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    if (child === 'dist' || child === 'node_modules' || child.endsWith('.test.ts')) continue;
    newest = Math.max(newest, newestMs(path.join(entry, child)));
  }
  return newest;
}

export function isStale(part: BuildPart): boolean {
  const target = TARGETS[part];
  const builtAt = modifiedMs(path.join(ROOT, target.output));
  if (builtAt === undefined) return true;
  // The generated kernel module lies under `shared/`: it is an input of the others, not of itself.
  return target.inputs.some((input) => newestMs(path.join(ROOT, input)) > builtAt);
}

export class BuildError extends Error {
  override readonly name = 'BuildError';
}

/** Builds each of `parts` (and what it needs) that is missing or older than its sources. */
export function ensureBuilt(parts: readonly BuildPart[], log: (line: string) => void = console.error): void {
  const wanted = new Set<BuildPart>(parts);
  if (wanted.has(BuildPart.Page) || wanted.has(BuildPart.Bundles)) wanted.add(BuildPart.Kernel);
  for (const part of ORDER) {
    if (!wanted.has(part) || !isStale(part)) continue;
    log(`building the ${part} (missing or older than its sources)...`);
    const result = spawnSync(process.execPath, TARGETS[part].build, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) {
      throw new BuildError(`building the ${part} failed (${result.error?.message ?? `exit code ${result.status ?? result.signal}`})`);
    }
  }
}
