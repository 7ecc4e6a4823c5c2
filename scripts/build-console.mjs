// Builds the web console (console/) into dist/console, which the server serves at /console.
// `npm install` / `npm ci` run it (prepare), `npm start` and the tests with --if-stale: then it builds
// only when the build is missing or older than a source file. Plain JavaScript, so it runs before
// anything else is set up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const sources = [path.join(root, 'console'), path.join(root, 'package-lock.json')];
const built = path.join(root, 'dist', 'console', 'index.html');

function newestMtime(p) {
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...fs.readdirSync(p).map((name) => newestMtime(path.join(p, name))));
}

function upToDate() {
  if (!fs.existsSync(built)) return false;
  return fs.statSync(built).mtimeMs >= Math.max(...sources.map(newestMtime));
}

async function main() {
  if (process.argv.includes('--if-stale') && upToDate()) return;
  // Always the production build of React and friends, whatever NODE_ENV the caller runs under
  // (the test runner sets "test", which would bundle their development builds).
  process.env.NODE_ENV = 'production';
  let vite;
  try {
    vite = await import('vite');
  } catch {
    // An install without development packages (npm ci --omit=dev) cannot build; the server then
    // answers /console with a hint instead of the app.
    console.warn('build-console: vite is not installed (development packages omitted?); the console is not built');
    return;
  }
  const started = performance.now();
  await vite.build({ configFile: path.join(root, 'console', 'vite.config.ts'), mode: 'production' });
  console.log(`build-console: dist/console built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((e) => {
  console.error(`build-console: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
