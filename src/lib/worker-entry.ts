// Starting a worker thread on a module of this project: under tsx (the sources) the worker
// registers tsx first, compiled (build/) it imports the JavaScript directly.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/** tsx's ESM registration entry, for workers that load .ts sources (as the server runs under tsx). */
export function tsxApi(): string {
  const require = createRequire(import.meta.url);
  const pkgFile = require.resolve('tsx/package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(pkgFile), pkg.exports['./esm/api']!.import.default)).href;
}

/** The sibling module `name` as the caller runs: .ts under tsx, .js compiled. */
export function sibling(callerUrl: string, name: string): URL {
  return new URL(`./${name}${path.extname(new URL(callerUrl).pathname)}`, callerUrl);
}

// Runs as CommonJS in the worker: loads tsx when the module is TypeScript, then the module.
const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})();
`;

/** A worker running `entry`; it reads its own data as `workerData.data`. */
export function startWorker(entry: URL, data: unknown, resourceLimits?: ResourceLimits): Worker {
  const tsx = entry.pathname.endsWith('.ts') ? tsxApi() : null;
  return new Worker(BOOTSTRAP, { eval: true, execArgv: [], workerData: { entry: entry.href, tsx, data }, resourceLimits });
}
